#!/usr/bin/perl
# radctl-new-system-identifier DATADIR
#
# Gives a data directory copied from the image's template (made once by initdb when the image
# was built) what initdb would have made unique to it: the system identifier, which WAL, base
# backups, pg_rewind and pgBackRest use to tell one cluster from another, and the nonce from which
# SCRAM derives its answers for unknown users. The caller then runs pg_resetwal, which writes WAL
# under the new identifier (and refuses a control file whose checksum does not match).
#
# pg_control begins with the 64-bit system identifier; the nonce (32 bytes) lies just before the
# CRC-32C that closes the struct. The CRC's offset is found as the one place where the checksum
# of everything before it is stored, so nothing here depends on the layout between the two.
use strict;
use warnings;
use Time::HiRes qw(gettimeofday);

my $dir = shift @ARGV or die "usage: radctl-new-system-identifier DATADIR\n";
my $path = "$dir/global/pg_control";
open(my $file, '+<:raw', $path) or die "radctl-new-system-identifier: $path: $!\n";
my $length = sysread($file, my $control, 8192);
die "radctl-new-system-identifier: $path is too short\n" unless defined $length && $length >= 512;

# CRC-32C (Castagnoli, reflected), as PostgreSQL's pg_crc32c.
my @table = map {
  my $c = $_;
  $c = $c & 1 ? ($c >> 1) ^ 0x82F63B78 : $c >> 1 for 1 .. 8;
  $c
} 0 .. 255;
sub crc_update {
  my ($crc, $bytes) = @_;
  $crc = $table[($crc ^ $_) & 0xFF] ^ ($crc >> 8) for unpack('C*', $bytes);
  return $crc;
}

my ($crc_at, $running) = (undef, crc_update(0xFFFFFFFF, substr($control, 0, 40)));
for (my $at = 40; $at + 4 <= 512; $at += 4) {
  if (($running ^ 0xFFFFFFFF) == unpack('V', substr($control, $at, 4))) {
    $crc_at = $at;
    last;
  }
  $running = crc_update($running, substr($control, $at, 4));
}
die "radctl-new-system-identifier: no valid checksum in $path\n" unless defined $crc_at;

# As initdb makes it: seconds, microseconds and the process id of the moment.
my ($seconds, $microseconds) = gettimeofday();
my $identifier = ($seconds << 32) | ($microseconds << 12) | ($$ & 0xFFF);
open(my $random, '<:raw', '/dev/urandom') or die "radctl-new-system-identifier: /dev/urandom: $!\n";
read($random, my $nonce, 32) == 32 or die "radctl-new-system-identifier: /dev/urandom: short read\n";

substr($control, 0, 8) = pack('Q<', $identifier);
substr($control, $crc_at - 32, 32) = $nonce;
substr($control, $crc_at, 4) =
  pack('V', crc_update(0xFFFFFFFF, substr($control, 0, $crc_at)) ^ 0xFFFFFFFF);
sysseek($file, 0, 0) or die "radctl-new-system-identifier: $path: $!\n";
syswrite($file, $control) == length($control) or die "radctl-new-system-identifier: $path: $!\n";
close($file) or die "radctl-new-system-identifier: $path: $!\n";
print "$identifier\n";
