// Preloaded into the measured process: reports its peak RSS on exit (kilobytes, as getrusage gives it).
process.on('exit', () => {
  process.stderr.write(`\nKUBEWARD_BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
