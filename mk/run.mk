# make run: until rmxfd exists, show what `rmxf check` sees on the demo
# zone (demo/demo.zone): a pass through an include, a fail with the
# domain's exp= explanation, and the test-mode listing of the domain.
# Nothing leaves the machine: every answer comes from the zone file.

RUN_ZONE	:= demo/demo.zone
RUN_CHECK	= $(O)/rmxf check --zone $(RUN_ZONE) --receiver mx.example.org
RUN_BOB		:= --sender bob@example.com

run: $(O)/rmxf
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
