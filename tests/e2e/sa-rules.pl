#!/usr/bin/perl
# NAME
#	sa-rules.pl - the header rules of a SpamAssassin .cf file, on messages
# SYNOPSIS
#	perl tests/e2e/sa-rules.pl RULES.cf [MESSAGE...]
# DESCRIPTION
#	Reads RULES.cf: "header NAME FIELD =~ /PATTERN/FLAGS" (or !~),
#	"describe NAME TEXT" and "score NAME NUMBER" lines; blank lines and
#	"#" comments are skipped.  Every pattern is compiled with perl, as
#	SpamAssassin compiles it.  Any other line, a pattern that does not
#	compile, flags other than i, m, s and x, or a header rule without
#	its describe and score line is an error.
#
#	Then, for each MESSAGE, it prints "MESSAGE: NAME..." with the names
#	of the rules that hit, sorted.  A rule matches what SpamAssassin's
#	header rules match: the value of every FIELD of the header block,
#	top first, unfolded (a line break and the blanks after it become
#	one space), without blanks at either end, each followed by a
#	newline, all joined together.  A message without FIELD does not hit
#	an =~ rule.
# DIAGNOSTICS
#	Exit 0; 1 with one line per error on stderr; 2 for bad usage or an
#	unreadable file.
# SEE ALSO
#	conf/spamassassin/rmxf.cf, Mail::SpamAssassin::Conf (header),
#	tests/e2e/t_conf.sh.
use strict;
use warnings;

my ($cf, @msgs) = @ARGV;
defined $cf or die "usage: sa-rules.pl RULES.cf [MESSAGE...]\n";

my (%rule, %desc, %score, @err);
open(my $fh, '<', $cf) or do { print STDERR "$cf: $!\n"; exit 2 };
while (my $l = <$fh>) {
	chomp $l;
	next if $l =~ /^\s*(#|$)/;
	if ($l =~ m{^header\s+(\w+)\s+([\w-]+)\s+([=!]~)\s+/(.*)/(\w*)\s*$}) {
		my ($name, $field, $op, $pat, $fl) = ($1, $2, $3, $4, $5);
		if ($fl =~ /[^imsx]/) {
			push @err, "$cf:$.: $name: flags $fl";
			next;
		}
		my $re = eval { qr/(?$fl)$pat/ };
		if (!defined $re) {
			(my $why = $@) =~ s/ at \S+ line .*//s;
			push @err, "$cf:$.: $name: $why";
			next;
		}
		$rule{$name} = [$field, $op, $re];
	} elsif ($l =~ /^describe\s+(\w+)\s+\S/) {
		$desc{$1} = 1;
	} elsif ($l =~ /^score\s+(\w+)\s+-?[0-9.]+\s*$/) {
		$score{$1} = 1;
	} else {
		push @err, "$cf:$.: not understood: $l";
	}
}
close $fh;
for my $name (sort keys %rule) {
	push @err, "$cf: $name has no describe line" unless $desc{$name};
	push @err, "$cf: $name has no score line" unless $score{$name};
}
if (@err) {
	print STDERR "$_\n" for @err;
	exit 1;
}

# fields - the header block of a message as [lower-case name, value]
sub fields {
	my ($path) = @_;
	my (@f, $cur);

	open(my $m, '<', $path) or do { print STDERR "$path: $!\n"; exit 2 };
	while (my $l = <$m>) {
		$l =~ s/\r?\n\z//;
		last if $l eq '';
		if ($l =~ /^[ \t]/ && defined $cur) {
			$cur->[1] .= "\n$l";
		} elsif ($l =~ /^([^:\s]+):[ \t]*(.*)$/) {
			$cur = [lc $1, $2];
			push @f, $cur;
		}
	}
	close $m;
	for (@f) {
		$_->[1] =~ s/\n[ \t]+/ /g;
		$_->[1] =~ s/^\s+|\s+$//g;
	}
	return @f;
}

for my $path (@msgs) {
	my @f = fields($path);
	my @hit;
	for my $name (sort keys %rule) {
		my ($field, $op, $re) = @{$rule{$name}};
		my @v = map { "$_->[1]\n" } grep { $_->[0] eq lc $field } @f;
		next if !@v && $op eq '=~';
		my $val = join('', @v);
		my $m = $val =~ $re ? 1 : 0;
		push @hit, $name if $m == ($op eq '=~' ? 1 : 0);
	}
	print "$path:", (map { " $_" } @hit), "\n";
}
exit 0;
