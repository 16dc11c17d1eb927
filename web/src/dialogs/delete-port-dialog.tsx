import type { ReactNode } from 'react'
import type { Port } from '../api/neutron-types.ts'
import { ConfirmDialog } from '../components/confirm-dialog.tsx'
import { nameOrId } from '../lib/display-format.ts'
import { useSession } from '../session/session-context.ts'

/** Props of {@link DeletePortDialog}. */
export interface DeletePortDialogProps {
  readonly port: Port
  readonly onClose: () => void
  readonly onDeleted: (port: Port) => void
}

/** Asks, then deletes a port (which releases its addresses through the IPAM driver). */
export function DeletePortDialog({ port, onClose, onDeleted }: DeletePortDialogProps): ReactNode {
  const { api, announce } = useSession()
  const addresses = port.fixed_ips.map((f) => f.ip_address)
  return (
    <ConfirmDialog
      title="Delete port"
      confirmLabel="Delete port"
      busyLabel="Deleting port and releasing its addresses…"
      onClose={onClose}
      onConfirm={async () => {
        await api.delete(`/v2.0/ports/${port.id}`)
        announce(`Port ${nameOrId(port)} deleted.`)
        onDeleted(port)
      }}
    >
      <p>
        Delete port <strong>{nameOrId(port)}</strong>?
        {addresses.length === 0
          ? ''
          : ` Its address${addresses.length > 1 ? 'es' : ''} ${addresses.join(', ')} will be released.`}
      </p>
    </ConfirmDialog>
  )
}
