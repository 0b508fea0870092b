-inferior-tty-set /dev/null
1-break-insert main
2-break-insert leaf
-exec-run
3-stack-list-frames
-stack-list-locals --all-values
-exec-continue
bt
info locals
4-stack-list-frames
-stack-list-arguments --all-values
-data-evaluate-expression tag
-data-evaluate-expression buf
-stack-select-frame 2
-stack-list-locals --all-values
-data-evaluate-expression s
-data-evaluate-expression bytes
-var-create - * s
-var-list-children --all-values var1
-var-list-children --all-values var1.pts
5-data-read-memory-bytes &bytes 8
-data-read-memory-bytes &s 32
-complete "b mid"
-complete "info lo"
6-this-command-does-not-exist
-data-evaluate-expression nosuchvar
print "tab\tnew\nline\033esc\a\b\f\v"
print bytes
print tag
frame 0
print tag
echo hello\tworld\n
-break-list
-thread-info
-list-thread-groups
-exec-continue
-gdb-exit
