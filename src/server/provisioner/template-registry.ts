// Template registration (server.md §4.1.1) and the lookup the start job
// renders with. At start the templates module loads the built-ins and
// --templates-dir; each template is upserted by name and each content hash
// becomes a template version (new content → new active version). Rendering
// a build needs its own version, which may be older than the file on disk:
// the stored source is then materialised under <data-dir>/template-versions.
// It never writes into the templates directory and never renders.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { TemplateMetadata } from '../../protocol/template.js';
import type { Sql } from '../db/storage.js';
import { loadTemplateFile, loadTemplates, type Template } from '../templates/index.js';
import { PROVISIONER_MESSAGES, ProvisionerError } from './errors.js';

/** pg_advisory_xact_lock key serialising registration across replicas: 'tytp' in ASCII. */
const REGISTRATION_LOCK_KEY = 0x74797470;

/** `GET /api/v2/templates` entries. */
export interface TemplateSummary {
  id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  active_version_id: string | null;
}

/** A template version ready to render. */
export interface TemplateVersion {
  id: string;
  templateId: string;
  name: string;
  hash: string;
  metadata: TemplateMetadata;
  template: Template;
}

export interface RegisteredTemplate {
  templateId: string;
  versionId: string;
  name: string;
  hash: string;
}

export class TemplateRegistry {
  private readonly loaded = new Map<string, TemplateVersion>();

  constructor(
    private readonly sql: Sql,
    /** <data-dir>: old versions' sources are materialised below it. */
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  /** Loads the built-ins and `templatesDir` and upserts templates and versions (idempotent, replica-safe). */
  async registerAll(templatesDir: string): Promise<RegisteredTemplate[]> {
    const templates = await loadTemplates(templatesDir);
    const registered: RegisteredTemplate[] = [];
    await this.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${REGISTRATION_LOCK_KEY})`;
      for (const template of templates) {
        const meta = template.metadata;
        const [row] = await tx<{ id: string }[]>`
          insert into templates (name, display_name, description, icon)
          values (${template.name}, ${meta.display_name ?? ''}, ${meta.description ?? ''}, ${meta.icon ?? ''})
          on conflict (name) do update set display_name = excluded.display_name, description = excluded.description,
            icon = excluded.icon, deleted_at = null, updated_at = now()
          returning id`;
        const [version] = await tx<{ id: string }[]>`
          insert into template_versions (template_id, hash, source_path, source, metadata)
          values (${row!.id}, ${template.version}, ${template.path}, ${template.content}, ${JSON.stringify(meta)}::text::jsonb)
          on conflict (template_id, hash) do update set source_path = excluded.source_path
          returning id`;
        await tx`update templates set active_version_id = ${version!.id}, updated_at = now()
                 where id = ${row!.id} and active_version_id is distinct from ${version!.id}`;
        registered.push({ templateId: row!.id, versionId: version!.id, name: template.name, hash: template.version });
      }
    });
    for (const [i, template] of templates.entries()) {
      const entry = registered[i]!;
      this.loaded.set(entry.versionId, { id: entry.versionId, templateId: entry.templateId, name: template.name, hash: template.version, metadata: template.metadata, template });
      this.logger.info({ template: template.name, template_version_id: entry.versionId, hash: template.version }, 'template registered');
    }
    return registered;
  }

  /** Non-deleted templates, by name. */
  async list(): Promise<TemplateSummary[]> {
    return this.sql<TemplateSummary[]>`
      select id, name, display_name, description, icon, active_version_id
      from templates where deleted_at is null order by name`;
  }

  /** The template version `versionId`, loaded (from this process's registration, the file, or its stored source). */
  async forVersion(versionId: string): Promise<TemplateVersion> {
    const cached = this.loaded.get(versionId);
    if (cached) return cached;
    const [row] = await this.sql<{ template_id: string; name: string; hash: string; source_path: string; source: string; metadata: TemplateMetadata }[]>`
      select v.template_id, t.name, v.hash, v.source_path, v.source, v.metadata
      from template_versions v join templates t on t.id = v.template_id
      where v.id = ${versionId}`;
    if (!row) throw new ProvisionerError('template_version_not_found', PROVISIONER_MESSAGES.templateVersionNotFound);
    const file = sameContent(row.source_path, row.hash) ? row.source_path : this.materialise(row.hash, row.source_path, row.source);
    const template = await loadTemplateFile(file);
    const version: TemplateVersion = { id: versionId, templateId: row.template_id, name: row.name, hash: row.hash, metadata: template.metadata, template };
    this.loaded.set(versionId, version);
    return version;
  }

  /** Writes a stored source to <data-dir>/template-versions/<hash>/<file name> (once). */
  private materialise(hash: string, sourcePath: string, source: string): string {
    const dir = path.join(this.dataDir, 'template-versions', hash);
    const file = path.join(dir, path.basename(sourcePath));
    if (sameContent(file, hash)) return file;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${randomUUID()}.tmp`;
    writeFileSync(temp, source, { mode: 0o600 });
    renameSync(temp, file);
    return file;
  }
}

function sameContent(file: string, hash: string): boolean {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex') === hash;
  } catch {
    return false;
  }
}
