# make deb: the Debian binary package, built by the Debian tools
# (dpkg-buildpackage -b -us -uc on debian/, debhelper) in a copy of the
# tree, so that the tree stays as it is; the .deb and its .buildinfo and
# .changes land in $(DEB_O).  Needs debhelper and dpkg-dev
# (tools/deps.sh); `make deb-test` builds it, lints it and installs it
# on this machine (tests/deb/run.sh).

DEB_O		:= $(O)/deb
DEB_SRC		:= $(DEB_O)/rmxf

.PHONY: deb deb-test

# The copy holds what git tracks plus untracked files it does not
# ignore (a tracked file deleted in the tree is left out); outside git,
# everything but build/ and run/.  The package is built with Debian's
# flags (dpkg-buildflags), not with the O, SAN, WERROR or CC of the make
# that asks for it.
deb:
	rm -rf $(DEB_O)
	mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z -c -o --exclude-standard | \
		    tar --null -T - --ignore-failed-read -cf - | \
		    tar -C $(DEB_SRC) -xf -; \
	else \
		tar --exclude=./build --exclude=./run -cf - . | \
		    tar -C $(DEB_SRC) -xf -; \
	fi
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u O -u SAN \
	    -u WERROR -u CC dpkg-buildpackage -b -us -uc
	rm -rf $(DEB_SRC)
	@ls $(DEB_O)/*.deb

# deb-test: build, lint, install, ask the installed daemon, purge (root).
deb-test: deb $(O)/tests/dnsd
	O=$(O) $(PROVE) --exec bash tests/deb/run.sh
