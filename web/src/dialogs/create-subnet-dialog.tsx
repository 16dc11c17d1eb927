import { useId, useState, type ReactNode } from 'react'
import { ApiError, describeError } from '../api/api-client.ts'
import type { Subnet, SubnetPool } from '../api/neutron-types.ts'
import { BusyIndicator } from '../components/busy-indicator.tsx'
import { ErrorMessage } from '../components/error-message.tsx'
import { ModalDialog } from '../components/modal-dialog.tsx'
import { useLoad } from '../hooks/use-load.ts'
import { parseCidr } from '../lib/ip-address.ts'
import {
  EMPTY_SUBNET_FORM,
  fieldForRefusal,
  isValid,
  subnetRequestBody,
  validateSubnetForm,
  type Ipv6Mode,
  type SubnetField,
  type SubnetFormValues,
} from '../lib/subnet-form.ts'
import { useSession } from '../session/session-context.ts'

/** Props of {@link CreateSubnetDialog}. */
export interface CreateSubnetDialogProps {
  readonly networkId: string
  readonly networkName: string
  readonly onClose: () => void
  readonly onCreated: (subnet: Subnet) => void
}

/** A refusal from the API, shown beside the field it concerns. */
interface Refusal {
  readonly field: SubnetField
  readonly message: string
}

/** The element to focus for a field with a problem. */
const FIELD_INPUT: Readonly<Record<SubnetField, string>> = {
  name: 'subnet-name',
  cidr: 'subnet-cidr',
  subnetpool: 'subnet-pool',
  prefixLength: 'subnet-prefixlen',
  gateway: 'subnet-gateway-ip',
  pools: 'subnet-pool-start-0',
  ipv6: 'subnet-ipv6-ra-mode',
}

const IPV6_MODES: readonly { value: Ipv6Mode; label: string }[] = [
  { value: '', label: 'Not set' },
  { value: 'slaac', label: 'SLAAC' },
  { value: 'dhcpv6-stateful', label: 'DHCPv6 stateful' },
  { value: 'dhcpv6-stateless', label: 'DHCPv6 stateless' },
]

/** Shows a field's problem (as-you-type check or the server's refusal) under it. */
function FieldProblem(props: {
  readonly id: string
  readonly problem: string | undefined
  readonly refusal: string | undefined
}): ReactNode {
  if (props.refusal !== undefined) {
    return (
      <p className="field-error refusal" id={props.id} role="alert">
        <strong>Refused: </strong>
        {props.refusal}
      </p>
    )
  }
  return (
    <p className="field-error" id={props.id} aria-live="polite">
      {props.problem ?? ''}
    </p>
  )
}

/**
 * Create Subnet: name, CIDR or subnet pool + prefix length, IP version, gateway (automatic,
 * explicit or none), allocation pools, DHCP and the IPv6 modes. Fields are checked as they are
 * typed (CIDR syntax, pools inside the CIDR, gateway outside the pools); a refusal from the
 * server or its IPAM driver (range not pre-defined, overlap) is shown beside the CIDR in the
 * driver's own words.
 */
export function CreateSubnetDialog(props: CreateSubnetDialogProps): ReactNode {
  const { api } = useSession()
  const uid = useId()
  const [values, setValues] = useState<SubnetFormValues>(EMPTY_SUBNET_FORM)
  const [submitted, setSubmitted] = useState(false)
  const [refusal, setRefusal] = useState<Refusal | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const [generalError, setGeneralError] = useState<string | undefined>(undefined)
  const subnetPools = useLoad(
    () =>
      api
        .get<{ subnetpools: SubnetPool[] }>('/v2.0/subnetpools', { limit: 200 })
        .then((b) => b.subnetpools),
    [],
  )
  const pools = subnetPools.data ?? []
  const errors = validateSubnetForm(values, pools, submitted)

  /** Changes some values; a refusal goes away once the field it concerns is edited. */
  const change = (patch: Partial<SubnetFormValues>, fields: readonly SubnetField[]): void => {
    setValues((v) => ({ ...v, ...patch }))
    if (refusal !== undefined && fields.includes(refusal.field)) setRefusal(undefined)
  }
  const problemOf = (field: SubnetField): string | undefined => errors.fields[field]
  const refusalOf = (field: SubnetField): string | undefined =>
    refusal?.field === field ? refusal.message : undefined
  const invalid = (field: SubnetField): true | undefined =>
    problemOf(field) !== undefined || refusalOf(field) !== undefined ? true : undefined
  const errorId = (field: SubnetField): string => `subnet-${field}-error`
  const focus = (field: SubnetField): void => {
    window.setTimeout(() => {
      document.getElementById(FIELD_INPUT[field])?.focus()
    }, 0)
  }

  const submit = async (): Promise<void> => {
    setSubmitted(true)
    setGeneralError(undefined)
    const check = validateSubnetForm(values, pools, true)
    if (!isValid(check)) {
      const first = (Object.keys(FIELD_INPUT) as SubnetField[]).find(
        (f) => check.fields[f] !== undefined,
      )
      if (first !== undefined) focus(first)
      return
    }
    setBusy(true)
    setRefusal(undefined)
    try {
      const body = await api.post<{ subnet: Subnet }>(
        '/v2.0/subnets',
        subnetRequestBody(values, props.networkId),
      )
      props.onCreated(body.subnet)
    } catch (e) {
      setBusy(false)
      // NOTE: 401 and unreachable-server errors are not about a field.
      if (e instanceof ApiError && e.status >= 400 && e.status !== 401) {
        const field = fieldForRefusal(e.message, values.source)
        setRefusal({ field, message: e.message })
        focus(field)
      } else setGeneralError(describeError(e))
    }
  }

  const describedBy = (field: SubnetField, help?: string): string =>
    [help, errorId(field)].filter((x) => x !== undefined).join(' ')

  return (
    <ModalDialog title={`Create subnet on ${props.networkName}`} onClose={props.onClose} wide>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <div className="dialog-body form-grid">
          <div className="field">
            <label htmlFor="subnet-name">Name</label>
            <input
              id="subnet-name"
              value={values.name}
              data-autofocus
              onChange={(e) => {
                change({ name: e.target.value }, ['name'])
              }}
            />
          </div>

          <fieldset className="field">
            <legend>IP version</legend>
            <div className="radio-row">
              {([4, 6] as const).map((version) => (
                <label key={version}>
                  <input
                    type="radio"
                    name={`${uid}-version`}
                    checked={values.ipVersion === version}
                    onChange={() => {
                      change({ ipVersion: version }, ['cidr', 'gateway', 'pools', 'ipv6'])
                    }}
                  />{' '}
                  IPv{version}
                </label>
              ))}
            </div>
          </fieldset>

          <fieldset className="field span-2">
            <legend>Address range</legend>
            <div className="radio-row">
              <label>
                <input
                  type="radio"
                  name={`${uid}-source`}
                  checked={values.source === 'cidr'}
                  onChange={() => {
                    change({ source: 'cidr' }, ['subnetpool', 'prefixLength'])
                  }}
                />{' '}
                Enter a CIDR
              </label>
              <label>
                <input
                  type="radio"
                  name={`${uid}-source`}
                  checked={values.source === 'pool'}
                  onChange={() => {
                    change({ source: 'pool' }, ['cidr'])
                  }}
                />{' '}
                Take a prefix from a subnet pool
              </label>
            </div>
            {values.source === 'cidr' ? (
              <div className="field">
                <label htmlFor="subnet-cidr">CIDR</label>
                <input
                  id="subnet-cidr"
                  className="mono"
                  value={values.cidr}
                  placeholder={values.ipVersion === 4 ? '10.50.0.0/24' : 'fd00:50::/64'}
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={invalid('cidr')}
                  aria-describedby={describedBy('cidr', 'subnet-cidr-help')}
                  onChange={(e) => {
                    const cidr = e.target.value
                    // NOTE: the version follows a range that parses, so IPv6 users need not
                    // switch the radio first.
                    const parsed = parseCidr(cidr)
                    change(parsed === undefined ? { cidr } : { cidr, ipVersion: parsed.version }, [
                      'cidr',
                    ])
                  }}
                />
                <p className="help" id="subnet-cidr-help">
                  Network address and prefix length, e.g. 10.50.0.0/24 or fd00:50::/64.
                </p>
                <FieldProblem
                  id={errorId('cidr')}
                  problem={problemOf('cidr')}
                  refusal={refusalOf('cidr')}
                />
              </div>
            ) : (
              <div className="field-row">
                <div className="field">
                  <label htmlFor="subnet-pool">Subnet pool</label>
                  <select
                    id="subnet-pool"
                    value={values.subnetpoolId}
                    aria-invalid={invalid('subnetpool')}
                    aria-describedby={errorId('subnetpool')}
                    onChange={(e) => {
                      const pool = pools.find((p) => p.id === e.target.value)
                      change(
                        pool === undefined
                          ? { subnetpoolId: e.target.value }
                          : { subnetpoolId: pool.id, ipVersion: pool.ip_version === 6 ? 6 : 4 },
                        ['subnetpool', 'prefixLength'],
                      )
                    }}
                  >
                    <option value="">
                      {subnetPools.loading
                        ? 'Loading subnet pools…'
                        : pools.length === 0
                          ? 'No subnet pool available'
                          : 'Choose a subnet pool'}
                    </option>
                    {pools.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.name === '' ? p.id : p.name} (IPv{p.ip_version}: {p.prefixes.join(', ')})
                      </option>
                    ))}
                  </select>
                  <FieldProblem
                    id={errorId('subnetpool')}
                    problem={problemOf('subnetpool') ?? subnetPools.error}
                    refusal={refusalOf('subnetpool')}
                  />
                </div>
                <div className="field narrow">
                  <label htmlFor="subnet-prefixlen">Prefix length</label>
                  <input
                    id="subnet-prefixlen"
                    inputMode="numeric"
                    value={values.prefixLength}
                    placeholder={String(
                      pools.find((p) => p.id === values.subnetpoolId)?.default_prefixlen ?? '',
                    )}
                    aria-invalid={invalid('prefixLength')}
                    aria-describedby={errorId('prefixLength')}
                    onChange={(e) => {
                      change({ prefixLength: e.target.value }, ['prefixLength', 'subnetpool'])
                    }}
                  />
                  <FieldProblem
                    id={errorId('prefixLength')}
                    problem={problemOf('prefixLength')}
                    refusal={refusalOf('prefixLength')}
                  />
                </div>
              </div>
            )}
          </fieldset>

          <fieldset className="field span-2">
            <legend>Gateway</legend>
            <div className="radio-row">
              {(
                [
                  ['auto', 'Automatic (first address)'],
                  ['explicit', 'This address'],
                  ['none', 'No gateway'],
                ] as const
              ).map(([mode, label]) => (
                <label key={mode}>
                  <input
                    type="radio"
                    name={`${uid}-gateway`}
                    checked={values.gatewayMode === mode}
                    onChange={() => {
                      change({ gatewayMode: mode }, ['gateway', 'pools'])
                      if (mode === 'explicit') focus('gateway')
                    }}
                  />{' '}
                  {label}
                </label>
              ))}
            </div>
            {values.gatewayMode === 'explicit' ? (
              <div className="field">
                <label htmlFor="subnet-gateway-ip">Gateway address</label>
                <input
                  id="subnet-gateway-ip"
                  className="mono"
                  value={values.gatewayIp}
                  spellCheck={false}
                  aria-invalid={invalid('gateway')}
                  aria-describedby={errorId('gateway')}
                  onChange={(e) => {
                    change({ gatewayIp: e.target.value }, ['gateway'])
                  }}
                />
              </div>
            ) : null}
            <FieldProblem
              id={errorId('gateway')}
              problem={problemOf('gateway')}
              refusal={refusalOf('gateway')}
            />
          </fieldset>

          <fieldset className="field span-2">
            <legend>Allocation pools</legend>
            <p className="help" id="subnet-pools-help">
              Ranges the addresses of ports are taken from. Leave empty to use the whole range
              (except the gateway).
            </p>
            {values.pools.map((row, i) => (
              <div className="pool-row" key={i}>
                <div className="field">
                  <label htmlFor={`subnet-pool-start-${i}`}>Pool {i + 1} first address</label>
                  <input
                    id={`subnet-pool-start-${i}`}
                    className="mono"
                    value={row.start}
                    spellCheck={false}
                    aria-invalid={errors.poolRows[i] === undefined ? undefined : true}
                    aria-describedby={`subnet-pool-error-${i}`}
                    onChange={(e) => {
                      change(
                        {
                          pools: values.pools.map((p, j) =>
                            j === i ? { ...p, start: e.target.value } : p,
                          ),
                        },
                        ['pools'],
                      )
                    }}
                  />
                </div>
                <div className="field">
                  <label htmlFor={`subnet-pool-end-${i}`}>Pool {i + 1} last address</label>
                  <input
                    id={`subnet-pool-end-${i}`}
                    className="mono"
                    value={row.end}
                    spellCheck={false}
                    aria-invalid={errors.poolRows[i] === undefined ? undefined : true}
                    aria-describedby={`subnet-pool-error-${i}`}
                    onChange={(e) => {
                      change(
                        {
                          pools: values.pools.map((p, j) =>
                            j === i ? { ...p, end: e.target.value } : p,
                          ),
                        },
                        ['pools'],
                      )
                    }}
                  />
                </div>
                <button
                  type="button"
                  className="small"
                  aria-label={`Remove pool ${i + 1}`}
                  onClick={() => {
                    change({ pools: values.pools.filter((_, j) => j !== i) }, ['pools'])
                  }}
                >
                  Remove
                </button>
                <p
                  className="field-error pool-error"
                  id={`subnet-pool-error-${i}`}
                  aria-live="polite"
                >
                  {errors.poolRows[i] ?? ''}
                </p>
              </div>
            ))}
            <button
              type="button"
              className="small"
              onClick={() => {
                change({ pools: [...values.pools, { start: '', end: '' }] }, ['pools'])
                window.setTimeout(() => {
                  document.getElementById(`subnet-pool-start-${values.pools.length}`)?.focus()
                }, 0)
              }}
            >
              Add pool
            </button>
            {refusalOf('pools') !== undefined ? (
              <FieldProblem
                id={errorId('pools')}
                problem={undefined}
                refusal={refusalOf('pools')}
              />
            ) : null}
          </fieldset>

          <div className="field checkbox">
            <input
              id="subnet-dhcp"
              type="checkbox"
              checked={values.enableDhcp}
              onChange={(e) => {
                change({ enableDhcp: e.target.checked }, [])
              }}
            />
            <label htmlFor="subnet-dhcp">Enable DHCP</label>
          </div>

          {values.ipVersion === 6 ? (
            <fieldset className="field span-2">
              <legend>IPv6 modes</legend>
              <div className="field-row">
                <div className="field">
                  <label htmlFor="subnet-ipv6-ra-mode">Router advertisements</label>
                  <select
                    id="subnet-ipv6-ra-mode"
                    value={values.ipv6RaMode}
                    aria-invalid={invalid('ipv6')}
                    aria-describedby={errorId('ipv6')}
                    onChange={(e) => {
                      change({ ipv6RaMode: e.target.value as Ipv6Mode }, ['ipv6'])
                    }}
                  >
                    {IPV6_MODES.map((m) => (
                      <option key={m.value} value={m.value}>
                        {m.label}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor="subnet-ipv6-address-mode">Address assignment</label>
                  <select
                    id="subnet-ipv6-address-mode"
                    value={values.ipv6AddressMode}
                    aria-invalid={invalid('ipv6')}
                    aria-describedby={errorId('ipv6')}
                    onChange={(e) => {
                      change({ ipv6AddressMode: e.target.value as Ipv6Mode }, ['ipv6'])
                    }}
                  >
                    {IPV6_MODES.map((m) => (
                      <option key={m.value} value={m.value}>
                        {m.label}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <FieldProblem
                id={errorId('ipv6')}
                problem={problemOf('ipv6')}
                refusal={refusalOf('ipv6')}
              />
            </fieldset>
          ) : null}

          <div className="span-2">
            <ErrorMessage message={generalError} title="The subnet was not created." />
            {busy ? <BusyIndicator label="Creating subnet…" /> : null}
          </div>
        </div>
        <footer className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Create subnet
          </button>
        </footer>
      </form>
    </ModalDialog>
  )
}
