/**
 * phpIPAM's `reformat_mac_address(mac, 1)`: separators (`:` `.` `-`) stripped, lower case,
 * re-joined in pairs with `:`.
 */
export function normaliseMac(mac: string): string {
  const bare = mac.replace(/[:.-]/g, '').toLowerCase()
  return (bare.match(/.{1,2}/g) ?? []).join(':')
}

/** phpIPAM's `validate_mac` after normalisation: six hex pairs. */
export function isValidMac(mac: string): boolean {
  return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(normaliseMac(mac))
}
