/** Scale-out figures (issue 3): filled in with multi-node runs on PostgreSQL and MariaDB. */
export async function scaleOut(): Promise<void> {
  process.stdout.write('\n== Scale-out: not measured yet\n')
}
