#!/usr/bin/perl
# Doxygen input filter for the lessons (Markdown). Lessons write math as code hosts render it,
# $...$ inline and $$...$$ on lines of their own; Doxygen 1.9.4 wants \f$...\f$ and \f[...\f].
# Code (fenced blocks and `spans`) is left alone. A chapter's README.md also gets a page label
# from its folder (chapters/01_perceptron -> {#ch01_perceptron}) on its first heading, so every
# README becomes its own page in the book.
use strict;
use warnings;

my $file = shift @ARGV or die "usage: mathfilter.pl FILE\n";
open(my $in, '<', $file) or die "$file: $!\n";
my $label = '';
$label = "ch$1_$2" if $file =~ m{chapters/(\d\d)_([a-z0-9_]+)/README\.md$};

my ($fence, $display, $labelled) = (0, 0, 0);
while (my $line = <$in>) {
  if ($line =~ /^\s*(```|~~~)/) { $fence = !$fence; print $line; next; }
  if ($fence) { print $line; next; }
  if ($label && !$labelled && $line =~ /^#\s+(.*?)\s*$/) {
    print "# $1 {#$label}\n";
    $labelled = 1;
    next;
  }
  # Display math: a line that is just $$ opens or closes a block.
  if ($line =~ /^\s*\$\$\s*$/) { print $display ? "\\f]\n" : "\\f[\n"; $display = !$display; next; }
  # $$ ... $$ on one line.
  if ($line =~ /^\s*\$\$(.+)\$\$\s*$/) { print "\\f[ $1 \\f]\n"; next; }
  if ($display) { print $line; next; }
  # Inline: split off `code spans`, convert $...$ in the rest.
  my @parts = split /(`[^`]*`)/, $line;
  for my $p (@parts) {
    next if $p =~ /^`/;
    $p =~ s/(?<![\\\$])\$(?!\s)([^\$\n]+?)(?<!\s)\$(?!\$)/\\f\$$1\\f\$/g;
  }
  print join('', @parts);
}
