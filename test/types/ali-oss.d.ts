// ali-oss ships no type declarations; the compat test needs only a loose shape.
declare module 'ali-oss' {
  const OSS: new (options: Record<string, unknown>) => any;
  export default OSS;
}
