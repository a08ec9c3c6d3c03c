#!/usr/bin/perl
# Doxygen input filter for the lessons (Markdown). Lessons write math as code hosts render it,
# $...$ inline and $$...$$ on lines of their own; Doxygen 1.9.4 wants \f$...\f$ and \f[...\f].
# Code (fenced blocks and `spans`) is left alone. A chapter's README.md also gets a page label
# from its folder (chapters/01_perceptron -> {#ch01_perceptron}) on its first heading, so every
# README becomes its own page in the book.
# Each page with a Chinese twin (X.md beside X.zh-CN.md) links to it with a plain relative link,
# [中文](X.zh-CN.md), and the twin back, [English](X.md), which is what a code host follows. Both
# books give a page the same label, hence the same file name, so in the book such a link becomes
# a link to the same file in the other book: build/<preset>/docs/html/LABEL.html and
# build/<preset>/docs/zh-CN/html/LABEL.html (the main page is index.html in both).
# Doxygen's Markdown ends **bold** and *italic* only before a space or ASCII punctuation, so in
# Chinese text (no spaces) they would show as stars; in the .zh-CN.md pages the filter writes
# them as <b> and <em>, which a code host's CommonMark reads from the plain stars anyway.
use strict;
use warnings;

my $file = shift @ARGV or die "usage: mathfilter.pl FILE\n";
open(my $in, '<', $file) or die "$file: $!\n";
my $label = '';
$label = "ch$1_$2" if $file =~ m{chapters/(\d\d)_([a-z0-9_]+)/README(?:\.zh-CN)?\.md$};

# The page's HTML file in either book, and its twin's name and book.
my @text = <$in>;
my $page = $label;
unless ($page) {
  for (@text) { if (/^#\s+.*\{#(\w+)\}\s*$/) { $page = $1; last; } }
}
my $html = !$page ? '' : $page eq 'mainpage' ? 'index.html' : "$page.html";
my ($base) = $file =~ m{([^/]+)$};
my ($twin, $other_book);
if ($base =~ /^(.*)\.zh-CN\.md$/) { ($twin, $other_book) = ("$1.md", '../../html'); }
else { ($twin = $base) =~ s/\.md$/.zh-CN.md/; $other_book = '../zh-CN/html'; }

my $chinese = $base =~ /\.zh-CN\.md$/;

my ($fence, $display, $labelled) = (0, 0, 0);
for my $line (@text) {
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
  if ($chinese) {  # emphasis, outside code spans and $math$
    for my $p (@parts) {
      next if $p =~ /^`/;
      my @bits = split /((?<!\\)\$[^\$]+\$)/, $p;
      for (@bits) {
        next if /^\$/;
        s{\*\*([^*\n]+?)\*\*}{<b>$1</b>}g;
        s{(?<![*\w])\*(?![\s*])([^*\n]+?)(?<!\s)\*(?![*\w])}{<em>$1</em>}g;
      }
      $p = join('', @bits);
    }
  }
  for my $p (@parts) {
    next if $p =~ /^`/;
    $p =~ s{\[([^\]]+)\]\(\Q$twin\E\)}{<a href="$other_book/$html">$1</a>}g if $html;
    $p =~ s/(?<![\\\$])\$(?!\s)([^\$\n]+?)(?<!\s)\$(?!\$)/\\f\$$1\\f\$/g;
  }
  print join('', @parts);
}
