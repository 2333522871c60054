# bench/hibernate's plot: hibernate and resume time against the workload,
# medians with min-max bars, for both systems. Called with dir= (the
# prefix of plot-SYSTEM.dat files: pct, hibernate med/min/max, resume
# med/min/max) and out= (the PNG).
set terminal pngcairo size 1200,500 font ",11"
set output out
set multiplot layout 1,2 title "kjump vs swsusp: 1 GiB guest, -smp 2, qemu TCG (medians of the runs that succeeded, bars: min to max)"
set xlabel "workload: random anonymous memory, % of RAM"
set ylabel "seconds"
set xrange [15:80]
set yrange [0:*]
set key top left
set grid
set title "hibernate: command to power-off"
plot dir."-kjump.dat" using 1:2:3:4 with yerrorlines lw 2 pt 7 title "kjump", \
     dir."-swsusp.dat" using 1:2:3:4 with yerrorlines lw 2 pt 5 title "swsusp"
set title "resume: qemu start to the workload's first line"
plot dir."-kjump.dat" using 1:5:6:7 with yerrorlines lw 2 pt 7 title "kjump", \
     dir."-swsusp.dat" using 1:5:6:7 with yerrorlines lw 2 pt 5 title "swsusp"
unset multiplot
