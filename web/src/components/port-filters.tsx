import { useState, type ReactNode } from 'react'
import type { Query } from '../api/api-client.ts'

/** The port filters the API applies server-side (exact matches). */
export interface PortFilterValues {
  readonly ipAddress: string
  readonly macAddress: string
  readonly deviceId: string
  readonly name: string
}

/** No filter. */
export const NO_PORT_FILTERS: PortFilterValues = {
  ipAddress: '',
  macAddress: '',
  deviceId: '',
  name: '',
}

/** The query parameters for the filters (`fixed_ips=ip_address=…`, `mac_address`, …). */
export function portFilterQuery(f: PortFilterValues): Query {
  return {
    fixed_ips: f.ipAddress.trim() === '' ? undefined : `ip_address=${f.ipAddress.trim()}`,
    mac_address: f.macAddress.trim() === '' ? undefined : f.macAddress.trim().toLowerCase(),
    device_id: f.deviceId.trim() === '' ? undefined : f.deviceId.trim(),
    name: f.name.trim() === '' ? undefined : f.name.trim(),
  }
}

/** True when some filter is set. */
export function hasPortFilters(f: PortFilterValues): boolean {
  return [f.ipAddress, f.macAddress, f.deviceId, f.name].some((v) => v.trim() !== '')
}

/** Props of {@link PortFilters}. */
export interface PortFiltersProps {
  readonly applied: PortFilterValues
  readonly onApply: (filters: PortFilterValues) => void
}

const FIELDS: readonly { key: keyof PortFilterValues; label: string; mono: boolean }[] = [
  { key: 'ipAddress', label: 'IP address', mono: true },
  { key: 'macAddress', label: 'MAC address', mono: true },
  { key: 'deviceId', label: 'Device ID', mono: true },
  { key: 'name', label: 'Name', mono: false },
]

/** A search form for ports; the filtering happens on the server, so it scales to any count. */
export function PortFilters({ applied, onApply }: PortFiltersProps): ReactNode {
  const [draft, setDraft] = useState<PortFilterValues>(applied)
  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter ports"
      onSubmit={(e) => {
        e.preventDefault()
        onApply(draft)
      }}
    >
      {FIELDS.map((f) => (
        <div className="field inline" key={f.key}>
          <label htmlFor={`port-filter-${f.key}`}>{f.label}</label>
          <input
            id={`port-filter-${f.key}`}
            className={f.mono ? 'mono' : undefined}
            value={draft[f.key]}
            spellCheck={false}
            onChange={(e) => {
              setDraft({ ...draft, [f.key]: e.target.value })
            }}
          />
        </div>
      ))}
      <button type="submit">Filter</button>
      {hasPortFilters(applied) ? (
        <button
          type="button"
          onClick={() => {
            setDraft(NO_PORT_FILTERS)
            onApply(NO_PORT_FILTERS)
          }}
        >
          Clear
        </button>
      ) : null}
    </form>
  )
}
