import { useState, type ReactNode } from 'react'
import { ApiError, describeError } from '../api/api-client.ts'
import type { Network, Port, Subnet } from '../api/neutron-types.ts'
import { BusyIndicator } from '../components/busy-indicator.tsx'
import { ErrorMessage } from '../components/error-message.tsx'
import { ModalDialog } from '../components/modal-dialog.tsx'
import { useLoad } from '../hooks/use-load.ts'
import { describeAutomaticAddresses } from '../lib/automatic-addresses.ts'
import { nameOrId } from '../lib/display-format.ts'
import { addressProblem } from '../lib/subnet-form.ts'
import { useSession } from '../session/session-context.ts'

/** Props of {@link CreatePortDialog}. */
export interface CreatePortDialogProps {
  /** The network the port goes on; when absent the dialog offers a choice. */
  readonly network?: Network | undefined
  readonly onClose: () => void
  readonly onCreated: (port: Port) => void
}

/**
 * Creates a port: with automatic addresses (as the server plans them: one IPv4, one stateful
 * IPv6, one per SLAAC subnet) or on a chosen subnet, optionally with a chosen address; plus
 * name, DNS name and device.
 */
export function CreatePortDialog({
  network,
  onClose,
  onCreated,
}: CreatePortDialogProps): ReactNode {
  const { api } = useSession()
  const [networkId, setNetworkId] = useState(network?.id ?? '')
  const [name, setName] = useState('')
  const [mode, setMode] = useState<'auto' | 'chosen'>('auto')
  const [subnetId, setSubnetId] = useState('')
  const [address, setAddress] = useState('')
  const [dnsName, setDnsName] = useState('')
  const [deviceId, setDeviceId] = useState('')
  const [deviceOwner, setDeviceOwner] = useState('')
  const [submitted, setSubmitted] = useState(false)
  const [busy, setBusy] = useState(false)
  const [addressRefusal, setAddressRefusal] = useState<string | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)

  const networks = useLoad(
    async () =>
      network === undefined
        ? (
            await api.get<{ networks: Network[] }>('/v2.0/networks', {
              limit: 200,
              sort_key: 'name',
              sort_dir: 'asc',
              fields: ['id', 'name', 'subnets'],
            })
          ).networks
        : [network],
    [network?.id],
  )
  const subnets = useLoad(
    async () =>
      networkId === ''
        ? []
        : (await api.get<{ subnets: Subnet[] }>('/v2.0/subnets', { network_id: networkId }))
            .subnets,
    [networkId],
  )
  const subnet = subnets.data?.find((s) => s.id === subnetId)
  const addressCheck =
    mode === 'chosen' && subnet !== undefined ? addressProblem(address, subnet.cidr) : undefined
  const subnetProblem =
    submitted && mode === 'chosen' && subnet === undefined ? 'Choose a subnet.' : undefined
  const networkProblem = submitted && networkId === '' ? 'Choose a network.' : undefined
  // NOTE: said per network because "automatic" is not one address per subnet (see the helper);
  // hidden while loading, since `data` still holds the previously chosen network's subnets.
  const autoHelp =
    mode === 'auto' && networkId !== '' && !subnets.loading && subnets.data !== undefined
      ? describeAutomaticAddresses(subnets.data)
      : undefined

  const submit = async (): Promise<void> => {
    setSubmitted(true)
    setError(undefined)
    setAddressRefusal(undefined)
    if (
      networkId === '' ||
      (mode === 'chosen' && (subnet === undefined || addressCheck !== undefined))
    ) {
      return
    }
    const port: Record<string, unknown> = { network_id: networkId }
    if (name.trim() !== '') port.name = name.trim()
    if (dnsName.trim() !== '') port.dns_name = dnsName.trim()
    if (deviceId.trim() !== '') port.device_id = deviceId.trim()
    if (deviceOwner.trim() !== '') port.device_owner = deviceOwner.trim()
    if (mode === 'chosen' && subnet !== undefined) {
      port.fixed_ips = [
        address.trim() === ''
          ? { subnet_id: subnet.id }
          : { subnet_id: subnet.id, ip_address: address.trim() },
      ]
    }
    setBusy(true)
    try {
      const body = await api.post<{ port: Port }>('/v2.0/ports', { port })
      onCreated(body.port)
    } catch (e) {
      setBusy(false)
      if (
        e instanceof ApiError &&
        mode === 'chosen' &&
        address.trim() !== '' &&
        /ip address|ip_address|address/i.test(e.message)
      ) {
        setAddressRefusal(e.message)
        document.getElementById('port-address')?.focus()
      } else setError(describeError(e))
    }
  }

  return (
    <ModalDialog
      title={network === undefined ? 'Create port' : `Create port on ${nameOrId(network)}`}
      onClose={onClose}
      wide
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <div className="dialog-body form-grid">
          <div className="field">
            <label htmlFor="port-name">Name</label>
            <input
              id="port-name"
              value={name}
              data-autofocus
              onChange={(e) => {
                setName(e.target.value)
              }}
            />
          </div>
          {network === undefined ? (
            <div className="field">
              <label htmlFor="port-network">Network</label>
              <select
                id="port-network"
                value={networkId}
                aria-invalid={networkProblem === undefined ? undefined : true}
                aria-describedby="port-network-error"
                onChange={(e) => {
                  setNetworkId(e.target.value)
                  setSubnetId('')
                }}
              >
                <option value="">
                  {networks.loading ? 'Loading networks…' : 'Choose a network'}
                </option>
                {(networks.data ?? []).map((n) => (
                  <option key={n.id} value={n.id}>
                    {nameOrId(n)}
                  </option>
                ))}
              </select>
              <p className="field-error" id="port-network-error" aria-live="polite">
                {networkProblem ?? networks.error ?? ''}
              </p>
            </div>
          ) : null}

          <fieldset className="field span-2">
            <legend>Address</legend>
            <div className="radio-row">
              <label>
                <input
                  type="radio"
                  name="port-address-mode"
                  checked={mode === 'auto'}
                  aria-describedby={autoHelp === undefined ? undefined : 'port-auto-help'}
                  onChange={() => {
                    setMode('auto')
                  }}
                />{' '}
                Automatic (one IPv4, one IPv6, plus one per SLAAC subnet)
              </label>
              <label>
                <input
                  type="radio"
                  name="port-address-mode"
                  checked={mode === 'chosen'}
                  onChange={() => {
                    setMode('chosen')
                  }}
                />{' '}
                On a chosen subnet
              </label>
            </div>
            {autoHelp === undefined ? null : (
              <p className="help" id="port-auto-help" data-testid="port-auto-help">
                {autoHelp}
              </p>
            )}
            {mode === 'chosen' ? (
              <div className="field-row">
                <div className="field">
                  <label htmlFor="port-subnet">Subnet</label>
                  <select
                    id="port-subnet"
                    value={subnetId}
                    aria-invalid={subnetProblem === undefined ? undefined : true}
                    aria-describedby="port-subnet-error"
                    onChange={(e) => {
                      setSubnetId(e.target.value)
                      setAddressRefusal(undefined)
                    }}
                  >
                    <option value="">
                      {subnets.loading
                        ? 'Loading subnets…'
                        : (subnets.data ?? []).length === 0
                          ? 'This network has no subnet'
                          : 'Choose a subnet'}
                    </option>
                    {(subnets.data ?? []).map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.cidr}
                        {s.name === '' ? '' : ` (${s.name})`}
                      </option>
                    ))}
                  </select>
                  <p className="field-error" id="port-subnet-error" aria-live="polite">
                    {subnetProblem ?? subnets.error ?? ''}
                  </p>
                </div>
                <div className="field">
                  <label htmlFor="port-address">IP address (optional)</label>
                  <input
                    id="port-address"
                    className="mono"
                    value={address}
                    spellCheck={false}
                    placeholder="any free address"
                    aria-invalid={
                      addressCheck === undefined && addressRefusal === undefined ? undefined : true
                    }
                    aria-describedby="port-address-error"
                    onChange={(e) => {
                      setAddress(e.target.value)
                      setAddressRefusal(undefined)
                    }}
                  />
                  {addressRefusal === undefined ? (
                    <p className="field-error" id="port-address-error" aria-live="polite">
                      {addressCheck ?? ''}
                    </p>
                  ) : (
                    <p className="field-error refusal" id="port-address-error" role="alert">
                      <strong>Refused: </strong>
                      {addressRefusal}
                    </p>
                  )}
                </div>
              </div>
            ) : null}
          </fieldset>

          <div className="field">
            <label htmlFor="port-dns-name">DNS name</label>
            <input
              id="port-dns-name"
              value={dnsName}
              spellCheck={false}
              onChange={(e) => {
                setDnsName(e.target.value)
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="port-device-id">Device ID</label>
            <input
              id="port-device-id"
              value={deviceId}
              spellCheck={false}
              onChange={(e) => {
                setDeviceId(e.target.value)
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="port-device-owner">Device owner</label>
            <input
              id="port-device-owner"
              value={deviceOwner}
              placeholder="e.g. compute:nova"
              spellCheck={false}
              onChange={(e) => {
                setDeviceOwner(e.target.value)
              }}
            />
          </div>
          <div className="span-2">
            <ErrorMessage message={error} title="The port was not created." />
            {busy ? <BusyIndicator label="Creating port and allocating its address…" /> : null}
          </div>
        </div>
        <footer className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Create port
          </button>
        </footer>
      </form>
    </ModalDialog>
  )
}
