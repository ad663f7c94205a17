# make install: the programs, manual pages, sample configuration,
# Postfix and SpamAssassin samples, the systemd unit and the sysusers.d
# entry of the system user, under $(DESTDIR).
#
#   make install                          under /usr/local, /etc/rmxf
#   make install DESTDIR=D PREFIX=/usr    a staging tree for a package
#
# SYSCONFDIR stays /etc whatever PREFIX is: rmxf and rmxfd read
# /etc/rmxf/rmxf.conf when no -c is given, so a sample anywhere else
# would be one they never read.  An existing rmxf.conf or rmxf.acl is
# never overwritten.  The unit's ExecStart gets the installed paths
# (SBINDIR, SYSCONFDIR).  Nothing is started and no user is made here:
# `systemd-sysusers` (or the Debian package) makes _rmxf.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/rmxf
SYSCONFDIR	?= /etc
SYSTEMDUNITDIR	?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
INSTALL		?= install

INSTALL_DOCS	:= README.md doc/ses-srs.md
INSTALL_POSTFIX	:= $(wildcard conf/postfix/*)
INSTALL_SA	:= conf/spamassassin/README conf/spamassassin/rmxf.cf
INSTALL_ETC	:= conf/rmxf.conf conf/rmxf.acl
D		= $(DESTDIR)

.PHONY: install

install: $(O)/rmxf $(O)/rmxfd
	$(INSTALL) -d $(D)$(BINDIR) $(D)$(SBINDIR) $(D)$(MANDIR)/man1 \
	    $(D)$(MANDIR)/man5 $(D)$(MANDIR)/man8 $(D)$(DOCDIR)/postfix \
	    $(D)$(DOCDIR)/spamassassin $(D)$(SYSCONFDIR)/rmxf \
	    $(D)$(SYSTEMDUNITDIR) $(D)$(SYSUSERSDIR)
	$(INSTALL) -m 755 $(O)/rmxf $(D)$(BINDIR)/rmxf
	$(INSTALL) -m 755 $(O)/rmxfd $(D)$(SBINDIR)/rmxfd
	$(INSTALL) -m 644 doc/rmxf.1 $(D)$(MANDIR)/man1/rmxf.1
	$(INSTALL) -m 644 doc/rmxf.conf.5 $(D)$(MANDIR)/man5/rmxf.conf.5
	$(INSTALL) -m 644 doc/rmxfd.8 $(D)$(MANDIR)/man8/rmxfd.8
	$(INSTALL) -m 644 $(INSTALL_DOCS) $(D)$(DOCDIR)/
	$(INSTALL) -m 644 $(INSTALL_POSTFIX) $(D)$(DOCDIR)/postfix/
	$(INSTALL) -m 644 $(INSTALL_SA) $(D)$(DOCDIR)/spamassassin/
	@for f in $(INSTALL_ETC); do \
		t=$(D)$(SYSCONFDIR)/rmxf/$${f##*/}; \
		if [ -e "$$t" ]; then \
			echo "install: $$t exists, left as it is"; \
		else \
			echo "$(INSTALL) -m 644 $$f $$t"; \
			$(INSTALL) -m 644 "$$f" "$$t" || exit 1; \
		fi; \
	done
	sed -e 's|/usr/sbin/rmxfd|$(SBINDIR)/rmxfd|' \
	    -e 's|/etc/rmxf/|$(SYSCONFDIR)/rmxf/|' conf/rmxfd.service \
	    >$(D)$(SYSTEMDUNITDIR)/rmxfd.service.tmp
	chmod 644 $(D)$(SYSTEMDUNITDIR)/rmxfd.service.tmp
	mv $(D)$(SYSTEMDUNITDIR)/rmxfd.service.tmp \
	    $(D)$(SYSTEMDUNITDIR)/rmxfd.service
	$(INSTALL) -m 644 conf/rmxf.sysusers $(D)$(SYSUSERSDIR)/rmxf.conf
