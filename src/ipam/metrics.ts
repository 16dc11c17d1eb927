/** What the IPAM layer reports about its external calls; the server exports it on /metrics. */
export interface IpamMetrics {
  call(driver: string, operation: string, outcome: string, seconds: number): void
}
