/** A timestamp for people: "2026-12-03 15:27:47 UTC" (empty for none). */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** The first 8 characters of a UUID, for tight columns (the full one is in the title). */
export function shortId(id: string | null | undefined): string {
  if (id === null || id === undefined) return ''
  return id.length > 8 ? id.slice(0, 8) : id
}

/** A resource's name, or its short ID when unnamed. */
export function nameOrId(resource: { readonly name: string; readonly id: string }): string {
  return resource.name.trim() === '' ? shortId(resource.id) : resource.name
}
