// Human-readable numbers for the progress bar, reports and listings. Binary units throughout,
// matching how sizes are parsed (see args.ts).

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → '1.5 KiB', 268435456 → '256.0 MiB'. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

const TYPED_UNITS: Array<[string, number]> = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KB', 1024],
];

/** 8388608 → '8MiB', 102400 → '100KB': a size as a user would type it (in the largest unit that divides it). */
export function sizeAsTyped(bytes: number): string {
  for (const [unit, size] of TYPED_UNITS) if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return `${bytes}`;
}

/** Bytes per second → '88.1 MiB/s'. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.max(0, Math.round(bytesPerSecond)))}/s`;
}

/** Seconds → '1.4s', '45s', '2m05s', '1h02m'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Milliseconds since an ISO time → '3h ago' style age for listings. */
export function formatAge(ms: number): string {
  return ms < 0 ? 'in the future' : `${formatDuration(ms / 1000)} ago`;
}

/**
 * Rows under a header in columns two spaces apart, each as wide as its widest cell; columns
 * listed in `alignRight` (numbers) are right-aligned. The last column is not padded.
 */
export function formatTable(header: string[], rows: string[][], alignRight: number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (alignRight.includes(i) ? cell.padStart(widths[i]!) : i < cells.length - 1 ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
