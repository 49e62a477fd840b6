// Preloaded into the measured process: reports its peak RSS (kilobytes) and CPU time (microseconds) on exit.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nKUBEWARD_BENCH maxrss_kb=${usage.maxRSS} cpu_us=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
