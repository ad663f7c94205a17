# make run: build rmxfd and run it in the foreground with the embedded
# default configuration (-c /dev/null: no file, every default), logging
# to the terminal, on a unix socket under ./run/; Ctrl-C (SIGINT) stops
# it.  DNS goes to the servers of /etc/resolv.conf; RUN_DNS=IP:PORT
# forwards elsewhere.
#
# make demo: what `rmxf check` sees on the demo zone (demo/demo.zone): a
# pass through an include, a fail with the domain's exp= explanation,
# and the test-mode listing of the domain.  Nothing leaves the machine:
# every answer comes from the zone file.

.PHONY: demo

RUN_DIR		:= run
RUN_SOCK	= $(CURDIR)/$(RUN_DIR)/rmxf.sock
RUN_DNS		?=
RUN_ZONE	:= demo/demo.zone
RUN_CHECK	= $(O)/rmxf check --zone $(RUN_ZONE) --receiver mx.example.org
RUN_BOB		:= --sender bob@example.com

run: $(O)/rmxfd
	@mkdir -p $(RUN_DIR)
	@echo 'rmxfd: the Postfix policy service on unix:$(RUN_SOCK)'
	@echo '(embedded default configuration, logs below; Ctrl-C stops it)'
	@echo
	@echo 'Hook Postfix to it in main.cf, after reject_unauth_destination:'
	@echo '  smtpd_recipient_restrictions = permit_mynetworks,'
	@echo '      reject_unauth_destination,'
	@echo '      check_policy_service unix:$(RUN_SOCK)'
	@echo '(smtpd must run unchrooted in master.cf to reach this path;'
	@echo 'conf/postfix/ has the snippets for a real installation)'
	@echo
	@echo 'Or ask it by hand from another terminal:'
	@printf '%s\n' \
	    '  printf "request=smtpd_access_policy\nclient_address=192.0.2.9\n\' \
	    'sender=bob@example.com\nhelo_name=mx.example.com\n\n" |' \
	    '      socat - UNIX-CONNECT:$(RUN_SOCK)'
	@echo
	exec $(O)/rmxfd -c /dev/null --listen unix:$(RUN_SOCK) --log stderr$(if \
	    $(RUN_DNS), --dns $(RUN_DNS))

demo: $(O)/rmxf
	@echo '== 1. pass: 198.51.100.25 sends for example.com' \
	    'through include:_spf.example.net'
	@$(RUN_CHECK) --trace --ip 198.51.100.25 $(RUN_BOB) \
	    --helo mail.example.com
	@echo
	@echo '== 2. fail: 192.0.2.200 is none of example.com'"'"'s' \
	    'servers; the first line carries its exp= text'
	@$(RUN_CHECK) --trace --ip 192.0.2.200 $(RUN_BOB) \
	    --helo mail.example.net
	@echo
	@echo '== 3. test mode: everything the policy of example.com allows'
	@$(RUN_CHECK) bob@example.com
