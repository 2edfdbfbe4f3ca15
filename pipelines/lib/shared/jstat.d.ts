// The part of jStat (no published types) that the statistics use.
declare module "jstat" {
  const jStat: { studentt: { inv(p: number, df: number): number; cdf(x: number, df: number): number } };
  export default jStat;
}
