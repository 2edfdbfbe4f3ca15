// Fault injection for the crash tests: with GUOPEI_CRASH_AT=<point> the process kills itself
// (SIGKILL, as a power cut or the OOM killer would) when it reaches that point.
export function crashPoint(point: string): void {
  if (process.env.GUOPEI_CRASH_AT === point) process.kill(process.pid, "SIGKILL");
}
