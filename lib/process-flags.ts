// Whether the process was started with V8 flags of its own (on the command line or in
// NODE_OPTIONS): where it was, the flags this package would set at run time are left alone.

export function startedWithFlag(pattern: RegExp, execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return execArgv.some((arg) => pattern.test(arg)) || pattern.test(nodeOptions);
}
