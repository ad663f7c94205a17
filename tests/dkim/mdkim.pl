#!/usr/bin/perl
# mdkim.pl - sign and verify with Mail::DKIM for the DKIM interop corpus.
#
#   mdkim.pl sign --algorithm A --method C --domain D --selector S
#       --key PEM --timestamp T [--expiration X] [--identity I]
#       [--oversign] [--length L] <MESSAGE
#     prints the DKIM-Signature field (CRLF line ends) for the message.
#   mdkim.pl verify ZONE FILE...
#     prints "FILE V1 V2 ..." per file: the result of each signature in
#     header order, Mail::DKIM's pass fail invalid temperror mapped onto
#     RFC 8601 names (invalid is permerror), or "none".  DNS questions
#     are answered from ZONE (rmxf's zone format: TXT and SERVFAIL).
use strict;
use warnings;
use Getopt::Long;
use Mail::DKIM::Signer;
use Mail::DKIM::Verifier;
use Mail::DKIM::DNS;
use Net::DNS;

my %MAP = (pass => 'pass', fail => 'fail', invalid => 'permerror',
	   temperror => 'temperror', none => 'none');

# read_zone - {name => [[strings], ...]} and {name => 1} of SERVFAIL names
sub read_zone {
	my ($path) = @_;
	my (%txt, %fail);
	open my $fh, '<', $path or die "$path: $!\n";
	while (my $line = <$fh>) {
		next if $line =~ /^\s*(?:[#;]|$)/;
		my ($name, $type, $rest) = split ' ', $line, 3;
		$name = lc $name;
		$name =~ s/\.$//;
		if ($type eq 'TXT') {
			push @{ $txt{$name} }, [ $rest =~ /"([^"]*)"/g ];
		} elsif ($type eq 'SERVFAIL') {
			$fail{$name} = 1;
		}
	}
	return (\%txt, \%fail);
}

# sign - the DKIM-Signature field of the message on stdin
sub sign {
	my %o;
	GetOptions(\%o, 'algorithm=s', 'method=s', 'domain=s', 'selector=s',
		   'key=s', 'timestamp=i', 'expiration=i', 'identity=s',
		   'oversign', 'length=i') or die "usage\n";
	my $signer = Mail::DKIM::Signer->new(
		Algorithm => $o{algorithm}, Method => $o{method},
		Domain => $o{domain}, Selector => $o{selector},
		KeyFile => $o{key}, Timestamp => $o{timestamp},
		(defined $o{expiration} ? (Expiration => $o{expiration}) : ()),
		(defined $o{identity} ? (Identity => $o{identity}) : ()),
		($o{oversign} ? (ExtendedHeaders =>
		    { from => '+', subject => '+' }) : ()),
		(defined $o{length} ? (Policy => sub {
			# l= must be set before the body is hashed
			my ($s) = @_;
			my $sig = Mail::DKIM::Signature->new(
			    Algorithm => $s->algorithm,
			    Method => $s->method, Domain => $s->domain,
			    Selector => $s->selector, Headers => $s->headers,
			    Timestamp => $o{timestamp});
			$sig->body_count($o{length});
			$s->add_signature($sig);
			return;
		}) : ()));
	binmode STDIN;
	local $/;
	my $msg = <STDIN>;
	$signer->PRINT($msg);
	$signer->CLOSE;
	my $f = $signer->signature->as_string;
	$f =~ s/\r?\n/\r\n/g;
	print $f, "\r\n";
}

# verify - each file's results with DNS answered from the zone
sub verify {
	my ($zone, @files) = @_;
	my ($txt, $fail) = read_zone($zone);
	no warnings 'redefine';
	*Mail::DKIM::DNS::query = sub {
		my ($name, $type) = @_;
		$name = lc $name;
		$name =~ s/\.$//;
		die "DNS error: SERVFAIL\n" if $fail->{$name};
		if ($type eq 'TXT' && $txt->{$name}) {
			$@ = 'NOERROR';
			return map { Net::DNS::RR->new(name => $name,
			    type => 'TXT', txtdata => $_) } @{ $txt->{$name} };
		}
		$@ = 'NXDOMAIN';
		return;
	};
	for my $file (@files) {
		my $v = Mail::DKIM::Verifier->new;
		open my $fh, '<', $file or die "$file: $!\n";
		binmode $fh;
		local $/;
		my $msg = <$fh>;
		close $fh;
		$msg =~ s/\r?\n/\r\n/g;
		$v->PRINT($msg);
		$v->CLOSE;
		my @r = map { $MAP{ $_->result } // 'neutral' } $v->signatures;
		@r = ('none') unless @r;
		print "$file @r\n";
		print STDERR "$file: ", join('; ',
		    map { $_->result_detail } $v->signatures), "\n"
		    if $ENV{MDKIM_DEBUG};
	}
}

my $cmd = shift @ARGV // '';
if ($cmd eq 'sign') {
	sign();
} elsif ($cmd eq 'verify') {
	verify(@ARGV);
} else {
	die "usage: mdkim.pl sign OPTIONS <MESSAGE | verify ZONE FILE...\n";
}
