#!/bin/sh
# proof/why3conf.sh OUT -- write a why3 configuration with z3, cvc4 and cvc5.
# `why3 config detect` finds z3 and cvc4 but not cvc5 1.0.3 (Debian 12), so a
# cvc5 entry is appended (cvc4's SMT-LIB driver; --force-logic=ALL because that
# driver names a logic cvc5 rejects). Installs nothing.
set -eu
out=$1
cvc5_bin=$(command -v cvc5 || true)
rm -f "$out"
WHY3CONFIG=$out why3 config detect >/dev/null 2>&1
# provers can need more than why3's default 1000 MB (float goals in cvc5)
sed -i 's/^memlimit = .*/memlimit = 8000/' "$out"
if [ -n "$cvc5_bin" ]; then
    cat >>"$out" <<EOT

[prover]
command = "$cvc5_bin --force-logic=ALL --stats --tlimit-per=%t000 --lang=smt2 %f"
driver = "cvc4_18_strings"
editor = ""
in_place = false
interactive = false
name = "CVC5"
shortcut = "cvc5"
version = "$("$cvc5_bin" --version | sed -n 's/^This is cvc5 version \([0-9.]*\).*/\1/p')"
EOT
fi
