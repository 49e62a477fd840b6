import { Enums, Models, Serialize, Spec, SPDX } from '@cyclonedx/cyclonedx-library';
import type { Finding } from '../../core/finding.js';
import type { ImageReport, OsInfo, Package } from '../model.js';
import { VULNERABILITY_CHECK } from '../vulnerability-finding.js';
import { documentUuid, imagePurl } from './ids.js';
import { componentRefs, PROPERTY } from './refs.js';
import { vulnerabilityModels } from './cyclonedx-vulnerabilities.js';

// CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/) built with the CycloneDX library's
// models and serializer, so the document follows the spec as the library implements it.

export interface SbomOptions {
  /** KW-IMG-100 findings to add as the `vulnerabilities` section. */
  findings?: Finding[];
  /** Document creation time; fixed in tests so the output is reproducible. */
  now?: Date;
  toolVersion: string;
}

export function toCycloneDx(report: ImageReport, options: SbomOptions): string {
  const now = options.now ?? new Date();
  const created = now.toISOString();
  const image = imageComponent(report);
  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${documentUuid(report, created)}`,
    metadata: new Models.Metadata({
      timestamp: now,
      component: image,
      tools: new Models.Tools({
        components: new Models.ComponentRepository([
          new Models.Component(Enums.ComponentType.Application, 'kubeward', { version: options.toolVersion, group: 'kubeward.dev' }),
        ]),
      }),
    }),
  });
  if (report.os) {
    const os = osComponent(report.os);
    bom.components.add(os);
    image.dependencies.add(os.bomRef);
  }
  const refs = componentRefs(report.packages);
  const byRef = new Map<string, Models.Component>();
  report.packages.forEach((pkg, index) => {
    const component = packageComponent(pkg, refs[index]!);
    byRef.set(refs[index]!, component);
    bom.components.add(component);
    image.dependencies.add(component.bomRef);
  });
  const vulnerabilityFindings = (options.findings ?? []).filter((f) => f.checkId === VULNERABILITY_CHECK.id && f.package && f.advisory);
  for (const vulnerability of vulnerabilityModels(vulnerabilityFindings, report.packages, refs, byRef)) bom.vulnerabilities.add(vulnerability);

  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  // Insertion order, not sorted: the location properties of a package are read back pairwise.
  return serializer.serialize(bom, { sortLists: false, space: 2 });
}

function imageComponent(report: ImageReport): Models.Component {
  const purl = imagePurl(report);
  const component = new Models.Component(Enums.ComponentType.Container, report.repository, {
    bomRef: purl,
    purl,
    ...(report.manifestDigest ? { version: report.manifestDigest } : {}),
  });
  component.properties.add(new Models.Property(PROPERTY.imageReference, report.reference));
  if (report.platform) component.properties.add(new Models.Property(PROPERTY.imagePlatform, report.platform));
  if (report.tag) component.properties.add(new Models.Property(PROPERTY.imageTag, report.tag));
  return component;
}

function osComponent(os: OsInfo): Models.Component {
  const component = new Models.Component(Enums.ComponentType.OperatingSystem, os.id, {
    bomRef: `os:${os.id}${os.versionId ? `@${os.versionId}` : ''}`,
    ...(os.versionId ? { version: os.versionId } : {}),
    ...(os.prettyName ? { description: os.prettyName } : {}),
  });
  if (os.codename) component.properties.add(new Models.Property(PROPERTY.osCodename, os.codename));
  component.properties.add(new Models.Property(PROPERTY.osSource, os.source));
  return component;
}

function packageComponent(pkg: Package, bomRef: string): Models.Component {
  const component = new Models.Component(Enums.ComponentType.Library, pkg.name, { bomRef, version: pkg.version, purl: pkg.purl });
  for (const license of pkg.licenses ?? []) {
    // An SPDX list id becomes `license.id`, anything else `license.name`: both kinds may share one array.
    component.licenses.add(SPDX.isSupportedSpdxId(license) ? new Models.SpdxLicense(license) : new Models.NamedLicense(license));
  }
  const props = component.properties;
  if (pkg.ecosystem) props.add(new Models.Property(PROPERTY.ecosystem, pkg.ecosystem));
  if (pkg.namespace) props.add(new Models.Property(PROPERTY.namespace, pkg.namespace));
  if (pkg.arch) props.add(new Models.Property(PROPERTY.arch, pkg.arch));
  if (pkg.source) {
    props.add(new Models.Property(PROPERTY.sourceName, pkg.source.name));
    props.add(new Models.Property(PROPERTY.sourceVersion, pkg.source.version));
  }
  for (const location of pkg.locations) {
    props.add(new Models.Property(PROPERTY.path, location.path));
    props.add(new Models.Property(PROPERTY.layerDigest, location.layerDigest));
    props.add(new Models.Property(PROPERTY.layerIndex, String(location.layerIndex)));
  }
  return component;
}
