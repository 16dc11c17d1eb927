import { useState, type ReactNode } from 'react'
import { describeError } from '../api/api-client.ts'
import type { Network } from '../api/neutron-types.ts'
import { BusyIndicator } from '../components/busy-indicator.tsx'
import { ErrorMessage } from '../components/error-message.tsx'
import { ModalDialog } from '../components/modal-dialog.tsx'
import { useSession } from '../session/session-context.ts'

/** Props of {@link CreateNetworkDialog}. */
export interface CreateNetworkDialogProps {
  readonly onClose: () => void
  readonly onCreated: (network: Network) => void
}

/** Creates a network: name, description, admin state (and shared, for admins). */
export function CreateNetworkDialog({ onClose, onCreated }: CreateNetworkDialogProps): ReactNode {
  const { api, whoami } = useSession()
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [adminStateUp, setAdminStateUp] = useState(true)
  const [shared, setShared] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)

  const submit = async (): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      const network: Record<string, unknown> = { admin_state_up: adminStateUp }
      if (name.trim() !== '') network.name = name.trim()
      if (description.trim() !== '') network.description = description.trim()
      if (whoami.is_admin && shared) network.shared = true
      const body = await api.post<{ network: Network }>('/v2.0/networks', { network })
      onCreated(body.network)
    } catch (e) {
      setError(describeError(e))
      setBusy(false)
    }
  }

  return (
    <ModalDialog title="Create network" onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <div className="dialog-body">
          <div className="field">
            <label htmlFor="network-name">Name</label>
            <input
              id="network-name"
              value={name}
              data-autofocus
              onChange={(e) => {
                setName(e.target.value)
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="network-description">Description</label>
            <input
              id="network-description"
              value={description}
              onChange={(e) => {
                setDescription(e.target.value)
              }}
            />
          </div>
          <div className="field checkbox">
            <input
              id="network-admin-state"
              type="checkbox"
              checked={adminStateUp}
              onChange={(e) => {
                setAdminStateUp(e.target.checked)
              }}
            />
            <label htmlFor="network-admin-state">Administrative state up</label>
          </div>
          {whoami.is_admin ? (
            <div className="field checkbox">
              <input
                id="network-shared"
                type="checkbox"
                checked={shared}
                onChange={(e) => {
                  setShared(e.target.checked)
                }}
              />
              <label htmlFor="network-shared">Shared with all projects</label>
            </div>
          ) : null}
          <ErrorMessage message={error} title="The network was not created." />
          {busy ? <BusyIndicator label="Creating network…" /> : null}
        </div>
        <footer className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Create network
          </button>
        </footer>
      </form>
    </ModalDialog>
  )
}
