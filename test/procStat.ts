// CPU time from Linux's /proc: the language-server tests over stdio and in the workbench read it.

/** utime + stime of a `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat` line, in ms. */
export function statCpuMs(stat: string): number {
  // The command name (in parentheses) may hold spaces: the fields are counted after its closing ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // clock ticks, 100 a second
}
