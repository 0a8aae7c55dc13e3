"""The Helm chart, offline: linted, rendered for the value combinations that matter, every manifest checked
against the Kubernetes schemas, and the GPU placement, security context and probes asserted on what renders."""

from __future__ import annotations

import base64
import copy
import functools
import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import helm_python as helm
import jsonschema
import kubernetes_validate
import kubernetes_validate.utils
import pytest
import yaml
from referencing import Registry, Resource

from service.config import Settings

CHART = Path(__file__).resolve().parent.parent / "deploy" / "helm" / "clinscribe"
RELEASE, NAMESPACE = "cs", "clinical"
# The chart's floor (Chart.yaml kubeVersion) and the newest schemas kubernetes-validate ships.
KUBE_VERSIONS = ("1.29.0", kubernetes_validate.utils.latest_version())
GPU = "nvidia.com/gpu"
# Settings the lead's PostgreSQL/KEK work adds to service/config.py; the chart already passes them.
PENDING_SETTINGS = {"DATABASE_URL", "KEYRING_PATH", "KMS_KEY_ID"}

BASE: dict[str, Any] = {
    "database": {"url": "postgresql://clinscribe:pw@postgres:5432/clinscribe?sslmode=verify-full"},
    "kek": {"keyring": "a keyring file"},
}

# Third-party kinds have no schema in kubernetes-validate: these hold the fields the chart uses, as the
# KEDA 2.x and Prometheus Operator CRDs define them, with unknown fields refused.
_STR_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
_META = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "labels": _STR_MAP}}
CRD_SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("keda.sh/v1alpha1", "ScaledObject"): {
        "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"apiVersion": {}, "kind": {}, "metadata": _META, "spec": {
            "type": "object", "additionalProperties": False, "required": ["scaleTargetRef", "triggers"],
            "properties": {
                "scaleTargetRef": {"type": "object", "additionalProperties": False, "required": ["name"],
                                   "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                                  "name": {"type": "string"}}},
                "pollingInterval": {"type": "integer"}, "cooldownPeriod": {"type": "integer"},
                "minReplicaCount": {"type": "integer"}, "maxReplicaCount": {"type": "integer"},
                "triggers": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False, "required": ["type", "metadata"],
                    "properties": {"type": {"type": "string"}, "metadata": _STR_MAP,
                                   "authenticationRef": {"type": "object", "additionalProperties": False,
                                                         "required": ["name"],
                                                         "properties": {"name": {"type": "string"},
                                                                        "kind": {"type": "string"}}}}}},
            }}},
    },
    ("keda.sh/v1alpha1", "TriggerAuthentication"): {
        "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"apiVersion": {}, "kind": {}, "metadata": _META, "spec": {
            "type": "object", "additionalProperties": False,
            "properties": {"secretTargetRef": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["parameter", "name", "key"],
                "properties": {"parameter": {"type": "string"}, "name": {"type": "string"},
                               "key": {"type": "string"}}}}}}},
    },
    ("monitoring.coreos.com/v1", "ServiceMonitor"): {
        "type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"apiVersion": {}, "kind": {}, "metadata": _META, "spec": {
            "type": "object", "additionalProperties": False, "required": ["selector", "endpoints"],
            "properties": {
                "selector": {"type": "object"},
                "namespaceSelector": {"type": "object", "additionalProperties": False,
                                      "properties": {"any": {"type": "boolean"},
                                                     "matchNames": {"type": "array", "items": {"type": "string"}}}},
                "endpoints": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False,
                    "properties": {
                        "port": {"type": "string"}, "path": {"type": "string"},
                        "scheme": {"enum": ["http", "https"]},
                        "interval": {"type": "string", "pattern": "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?"
                                                                  "(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"},
                        "scrapeTimeout": {"type": "string"},
                        "tlsConfig": {"type": "object", "properties": {"insecureSkipVerify": {"type": "boolean"}}},
                    }}},
            }}},
    },
}


def merged(*layers: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for layer in layers:
        _merge_into(out, copy.deepcopy(layer))
    return out


def _merge_into(target: dict[str, Any], layer: dict[str, Any]) -> None:
    for key, value in layer.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value)
        else:
            target[key] = value


@pytest.fixture(scope="module")
def chart() -> Iterator[helm.Chart]:
    helm.disable_logging()
    with helm.Chart.load(CHART) as loaded:
        yield loaded


class Rendered:
    """The manifests of one render, by kind and name."""

    def __init__(self, chart: helm.Chart, values: dict[str, Any]) -> None:
        chart.validate_schema(values)
        files = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
        self.notes = next(text for path, text in files.items() if path.endswith("NOTES.txt"))
        self.docs = [doc for path, text in sorted(files.items()) if path.endswith(".yaml")
                     for doc in yaml.safe_load_all(text) if doc]

    def kinds(self, kind: str) -> list[dict[str, Any]]:
        return [doc for doc in self.docs if doc["kind"] == kind]

    def one(self, kind: str, name: str) -> dict[str, Any]:
        found = [doc for doc in self.kinds(kind) if doc["metadata"]["name"] == name]
        assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
        return found[0]

    def deployment(self, role: str) -> dict[str, Any]:
        return self.one("Deployment", f"{RELEASE}-clinscribe-{role}")

    def container(self, role: str) -> dict[str, Any]:
        (container,) = self.deployment(role)["spec"]["template"]["spec"]["containers"]
        return container

    def env(self, role: str) -> dict[str, Any]:
        """A role's environment: the ConfigMap's entries, then the container's own (which win)."""
        config = self.one("ConfigMap", f"{RELEASE}-clinscribe")["data"]
        own = {item["name"]: item.get("value", item.get("valueFrom")) for item in self.container(role)["env"]}
        return {**config, **own}


def render(chart: helm.Chart, *layers: dict[str, Any]) -> Rendered:
    rendered = Rendered(chart, merged(BASE, *layers))
    for doc in rendered.docs:
        validate(doc)
    return rendered


def validate(doc: dict[str, Any]) -> None:
    key = (doc["apiVersion"], doc["kind"])
    if key in CRD_SCHEMAS:
        jsonschema.validate(doc, CRD_SCHEMAS[key])
        return
    for version in KUBE_VERSIONS:
        _kube_validator(version, *key).validate(doc)


@functools.cache
def _kube_validator(version: str, api_version: str, kind: str) -> jsonschema.protocols.Validator:
    """kubernetes_validate.validate(doc, version, strict=True), built once per kind: that function reloads
    and re-links the 1.2 MB definitions file on every call, which made this file several times slower."""
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    folder = f"kubernetes-json-schema/v{version}-local-strict"
    try:
        schema = kubernetes_validate.utils.schema_contents(f"{folder}/{kind.lower()}-{group}.json", version)
    except FileNotFoundError:
        raise kubernetes_validate.SchemaNotFoundError(kind=kind, version=version, api_version=api_version) from None
    definitions = kubernetes_validate.utils.schema_contents(f"{folder}/_definitions.json", version)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


def assert_hardened_pod(rendered: Rendered, role: str) -> None:
    pod = rendered.deployment(role)["spec"]["template"]["spec"]
    container = rendered.container(role)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] > 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["capabilities"]["drop"] == ["ALL"] and "add" not in security["capabilities"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["privileged"] is False
    # With a read-only root, every path the process writes must be a volume.
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    for path in ("/tmp", "/var/lib/clinscribe"):
        assert "emptyDir" in volumes[mounts[path]], path
    # The service chmods its data directory to 0700, which only works on a directory it made itself.
    assert rendered.env(role)["CLINSCRIBE_DATA_DIR"].startswith("/var/lib/clinscribe/")
    scheme = "HTTPS" if rendered.env(role).get("CLINSCRIBE_PLAIN_HTTP") != "1" else "HTTP"
    port_name = container["ports"][0]["name"]
    assert container["ports"][0]["containerPort"] == 8443
    for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready"), ("startupProbe", "/health")):
        assert container[probe]["httpGet"] == {"path": path, "port": port_name, "scheme": scheme}, probe
    assert container["args"] == ["serve", "--role", role]
    assert rendered.env(role)["CLINSCRIBE_DATABASE_URL"]["secretKeyRef"]["name"]


def assert_on_gpu(rendered: Rendered, role: str, count: int = 1) -> None:
    container = rendered.container(role)
    pod = rendered.deployment(role)["spec"]["template"]["spec"]
    assert container["resources"]["limits"][GPU] == count
    assert container["image"].startswith("ghcr.io/clinscribe/clinscribe-cuda:")
    env = rendered.env(role)
    assert env["CLINSCRIBE_DEVICE"] == "cuda" and env["CLINSCRIBE_COMPUTE_TYPE"] == "float16"
    assert pod["nodeSelector"]["nvidia.com/gpu.present"] == "true"
    assert {"key": GPU, "operator": "Exists", "effect": "NoSchedule"} in pod["tolerations"]


def assert_on_cpu(rendered: Rendered, role: str) -> None:
    container = rendered.container(role)
    pod = rendered.deployment(role)["spec"]["template"]["spec"]
    assert GPU not in yaml.safe_dump(rendered.deployment(role))
    assert "runtimeClassName" not in pod and "nodeSelector" not in pod
    assert container["image"].startswith("ghcr.io/clinscribe/clinscribe:")
    assert rendered.env(role)["CLINSCRIBE_DEVICE"] == "cpu"


def test_manifest_validation_catches_a_broken_manifest(chart: helm.Chart) -> None:
    deployment = copy.deepcopy(render(chart).deployment("worker"))
    deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFS"] = True
    with pytest.raises(jsonschema.ValidationError, match="readOnlyRootFS"):
        validate(deployment)
    del deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFS"]
    validate(deployment)
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(jsonschema.ValidationError):
        validate(deployment)
    scaled = {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "w"},
              "spec": {"scaleTargetRef": {"name": "w"}, "triggers": [{"type": "postgresql",
                                                                      "metadata": {"targetQueryValue": 2}}]}}
    with pytest.raises(jsonschema.ValidationError):  # KEDA trigger metadata values are strings
        validate(scaled)
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        validate({"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "x"}})


# -- lint ------------------------------------------------------------------------------------------------

ALL_ON: dict[str, Any] = {
    "ingress": {"enabled": True, "className": "nginx", "tls": {"secretName": "transcribe-tls"}},
    "worker": {"keda": {"enabled": True}},
    "metrics": {"serviceMonitor": {"enabled": True}},
    "stream": {"loadBalancer": {"enabled": True, "loadBalancerSourceRanges": ["10.0.0.0/8"]}},
    "model": {"source": "pvc", "dir": "whisper-large-v3", "pvc": {"create": True}},
}


@pytest.mark.parametrize("values", [BASE, merged(BASE, ALL_ON)], ids=["defaults", "all-on"])
def test_lint_is_clean_in_strict_mode(values: dict[str, Any]) -> None:
    for version in KUBE_VERSIONS:
        report = helm.lint(CHART, values, strict=True, kube_version=f"v{version}")
        assert report["errors"] == []
        # Severity 1 is advice ("icon is recommended"); warnings and errors fail.
        assert [m for m in report["messages"] if m["severity"] >= 2] == []


# -- value combinations ----------------------------------------------------------------------------------

def test_defaults_put_workers_and_streams_on_gpus_and_harden_every_pod(chart: helm.Chart) -> None:
    rendered = render(chart)
    for role in ("api", "worker", "stream"):
        assert_hardened_pod(rendered, role)
    assert_on_gpu(rendered, "worker")
    assert_on_gpu(rendered, "stream")
    assert_on_cpu(rendered, "api")
    assert "CLINSCRIBE_MODEL_DIR" not in rendered.env("api")
    # The API scales on CPU through its HPA, so the Deployment leaves replicas to it.
    hpa = rendered.one("HorizontalPodAutoscaler", f"{RELEASE}-clinscribe-api")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                              "name": f"{RELEASE}-clinscribe-api"}
    assert "replicas" not in rendered.deployment("api")["spec"]
    assert rendered.deployment("worker")["spec"]["replicas"] == 1
    assert not rendered.kinds("Ingress") and not rendered.kinds("ScaledObject")
    assert not rendered.kinds("ServiceMonitor")


def test_gpu_off_runs_decoders_on_cpu_nodes(chart: helm.Chart) -> None:
    off = {"enabled": False, "runtimeClassName": "nvidia"}
    rendered = render(chart, {"worker": {"gpu": off}, "stream": {"gpu": off}})
    for role in ("worker", "stream"):
        assert_on_cpu(rendered, role)
        assert_hardened_pod(rendered, role)
        assert rendered.env(role)["CLINSCRIBE_COMPUTE_TYPE"] == "int8"


def test_gpu_placement_values_reach_the_pod(chart: helm.Chart) -> None:
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "nvidia.com/gpu.product", "operator": "In", "values": ["NVIDIA-L4"]}]}]}}}
    worker = {"gpu": {"count": 2, "runtimeClassName": "nvidia", "nodeSelector": {"pool": "gpu-l4"}},
              "nodeSelector": {"zone": "a"}, "affinity": affinity, "computeType": "int8_float16",
              "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "asr", "effect": "NoSchedule"}]}
    rendered = render(chart, {"worker": worker})
    pod = rendered.deployment("worker")["spec"]["template"]["spec"]
    assert rendered.container("worker")["resources"]["limits"][GPU] == 2
    assert pod["runtimeClassName"] == "nvidia"
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true", "pool": "gpu-l4", "zone": "a"}
    assert [t["key"] for t in pod["tolerations"]] == [GPU, "dedicated"]
    assert pod["affinity"] == affinity
    assert rendered.env("worker")["CLINSCRIBE_COMPUTE_TYPE"] == "int8_float16"
    # The stream role keeps its own defaults.
    assert "runtimeClassName" not in rendered.deployment("stream")["spec"]["template"]["spec"]


def test_keda_scales_workers_on_queued_jobs(chart: helm.Chart) -> None:
    rendered = render(chart, {"worker": {"keda": {"enabled": True, "minReplicaCount": 0, "maxReplicaCount": 6}}})
    worker_name = f"{RELEASE}-clinscribe-worker"
    scaled = rendered.one("ScaledObject", worker_name)["spec"]
    assert scaled["scaleTargetRef"]["name"] == worker_name
    assert (scaled["minReplicaCount"], scaled["maxReplicaCount"]) == (0, 6)
    (trigger,) = scaled["triggers"]
    assert trigger["type"] == "postgresql"
    assert "QUEUED" in trigger["metadata"]["query"] and trigger["metadata"]["targetQueryValue"] == "2"
    auth = rendered.one("TriggerAuthentication", trigger["authenticationRef"]["name"])["spec"]
    database = rendered.env("worker")["CLINSCRIBE_DATABASE_URL"]["secretKeyRef"]
    assert auth["secretTargetRef"] == [{"parameter": "connection", **database}]
    # KEDA owns the replica count now.
    assert "replicas" not in rendered.deployment("worker")["spec"]


def test_service_monitor_scrapes_every_role(chart: helm.Chart) -> None:
    rendered = render(chart, {"metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prom"}}}})
    monitor = rendered.one("ServiceMonitor", f"{RELEASE}-clinscribe")
    assert monitor["metadata"]["labels"]["release"] == "prom"
    (endpoint,) = monitor["spec"]["endpoints"]
    assert (endpoint["path"], endpoint["scheme"]) == ("/metrics", "https")
    scraped = scraped_services(rendered)
    assert {svc["metadata"]["name"].rsplit("-", 1)[1] for svc in scraped} == {"api", "worker", "stream"}
    for svc in scraped:
        assert [port["name"] for port in svc["spec"]["ports"]] == [endpoint["port"]]


def scraped_services(rendered: Rendered) -> list[dict[str, Any]]:
    """The Services the ServiceMonitor's selector picks (matchLabels and its one In expression)."""
    selector = rendered.one("ServiceMonitor", f"{RELEASE}-clinscribe")["spec"]["selector"]
    (expression,) = selector["matchExpressions"]
    assert expression["operator"] == "In"
    return [svc for svc in rendered.kinds("Service")
            if selector["matchLabels"].items() <= svc["metadata"]["labels"].items()
            and svc["metadata"]["labels"].get(expression["key"]) in expression["values"]]


def test_ingress_has_tls_and_routes_streams_to_stream_pods(chart: helm.Chart) -> None:
    ingress_values = {"enabled": True, "className": "nginx", "host": "asr.clinic.example",
                      "tls": {"secretName": "asr-tls"},
                      "annotations": {"nginx.ingress.kubernetes.io/proxy-read-timeout": "7200"}}
    rendered = render(chart, {"ingress": ingress_values})
    ingress = rendered.one("Ingress", f"{RELEASE}-clinscribe")
    assert ingress["spec"]["tls"] == [{"hosts": ["asr.clinic.example"], "secretName": "asr-tls"}]
    routes = {p["path"]: p["backend"]["service"]["name"] for p in ingress["spec"]["rules"][0]["http"]["paths"]}
    assert routes == {"/medical-stream-transcription-websocket": f"{RELEASE}-clinscribe-stream",
                      "/medical-stream-transcription": f"{RELEASE}-clinscribe-stream",
                      "/": f"{RELEASE}-clinscribe-api"}
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/backend-protocol"] == "HTTPS"
    assert annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "7200"  # the user's value wins
    assert rendered.env("api")["CLINSCRIBE_PUBLIC_URL"] == "https://asr.clinic.example"
    assert "https://asr.clinic.example" in rendered.notes


def test_alb_ingress_gets_https_backends_and_long_idle_timeout(chart: helm.Chart) -> None:
    rendered = render(chart, {"ingress": {"enabled": True, "className": "alb", "tls": {"secretName": "x"}}})
    annotations = rendered.one("Ingress", f"{RELEASE}-clinscribe")["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/backend-protocol"] == "HTTPS"
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/ready"
    assert "idle_timeout.timeout_seconds=3600" in annotations["alb.ingress.kubernetes.io/load-balancer-attributes"]


def test_existing_secrets_are_referenced_and_no_secret_is_rendered(chart: helm.Chart) -> None:
    values = {
        "database": {"url": "", "existingSecret": "pg", "existingSecretKey": "uri"},
        "kek": {"keyring": "", "existingSecret": "kek", "existingSecretKey": "ring.json"},
        "s3": {"existingSecret": "s3-keys", "endpointUrl": "https://minio.storage:9000"},
        "bootstrap": {"existingSecret": "first-key"},
        "serverTLS": {"existingSecret": "pod-tls"},
    }
    rendered = render(chart, values)
    assert not rendered.kinds("Secret")
    for role in ("api", "worker", "stream"):
        env = rendered.env(role)
        assert env["CLINSCRIBE_DATABASE_URL"]["secretKeyRef"] == {"name": "pg", "key": "uri"}
        assert env["AWS_ACCESS_KEY_ID"]["secretKeyRef"]["name"] == "s3-keys"
        assert env["CLINSCRIBE_BOOTSTRAP_SECRET_ACCESS_KEY"]["secretKeyRef"]["name"] == "first-key"
        assert env["CLINSCRIBE_S3_ENDPOINT_URL"] == "https://minio.storage:9000"
        assert env["CLINSCRIBE_TLS_CERT"] == "/etc/clinscribe/tls/tls.crt"
        volumes = {v["name"]: v for v in rendered.deployment(role)["spec"]["template"]["spec"]["volumes"]}
        assert volumes["kek-secret"]["secret"]["secretName"] == "kek"
        assert volumes["kek-secret"]["secret"]["items"] == [{"key": "ring.json", "path": "ring.json"}]
        assert volumes["tls"]["secret"]["secretName"] == "pod-tls"
        assert_keyring_copied_into_memory(rendered, role, "/etc/clinscribe/kek-secret/ring.json")


def assert_keyring_copied_into_memory(rendered: Rendered, role: str, source: str) -> None:
    """The keyring refuses files wider than 0600 and keeps a lock file beside itself, so the Secret's file
    is copied by an init container into a memory-backed directory the service can write."""
    pod = rendered.deployment(role)["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["kek"]["emptyDir"]["medium"] == "Memory"
    (init,) = pod["initContainers"]
    target = rendered.env(role)["CLINSCRIBE_KEYRING_PATH"]
    assert init["args"] == [source, target]
    assert "test -s" in init["command"][-1] and "install -m 0600" in init["command"][-1]
    assert init["securityContext"] == rendered.container(role)["securityContext"]
    mounts = {m["mountPath"]: m["name"] for m in rendered.container(role)["volumeMounts"]}
    assert mounts[target.rsplit("/", 1)[0]] == "kek"
    assert "kek-secret" not in mounts.values()


def test_chart_secret_holds_what_values_give(chart: helm.Chart) -> None:
    rendered = render(chart, {"s3": {"accessKeyId": "AKIAEXAMPLE", "secretAccessKey": "s3cr3t"}})
    (secret,) = rendered.kinds("Secret")
    data = {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}
    assert data == {"database-url": BASE["database"]["url"], "keyring": "a keyring file",
                    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s3cr3t"}
    # A KMS key instead of a keyring: nothing mounted, the key id in the environment.
    for role in ("api", "worker", "stream"):
        assert_keyring_copied_into_memory(rendered, role, "/etc/clinscribe/kek-secret/keyring")
    kms = render(chart, {"kek": {"keyring": "", "kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k"}})
    assert kms.env("worker")["CLINSCRIBE_KMS_KEY_ID"].endswith("key/k")
    assert "CLINSCRIBE_KEYRING_PATH" not in kms.env("worker")
    pod = kms.deployment("worker")["spec"]["template"]["spec"]
    assert "initContainers" not in pod and not {"kek", "kek-secret"} & {v["name"] for v in pod["volumes"]}


@pytest.mark.parametrize(("model", "volume_kind", "model_dir"), [
    ({"source": "image"}, None, None),
    ({"source": "image", "dir": "/opt/models/medium"}, None, "/opt/models/medium"),
    ({"source": "pvc", "dir": "whisper-large-v3", "pvc": {"claimName": "asr-models"}},
     "persistentVolumeClaim", "/models/whisper-large-v3"),
    ({"source": "hostPath", "mountPath": "/mnt/m"}, "hostPath", "/mnt/m"),
])
def test_model_volume_follows_its_source(chart: helm.Chart, model: dict[str, Any], volume_kind: str | None,
                                         model_dir: str | None) -> None:
    rendered = render(chart, {"model": model})
    for role in ("worker", "stream"):
        volumes = {v["name"]: v for v in rendered.deployment(role)["spec"]["template"]["spec"]["volumes"]}
        mounts = {m["name"]: m for m in rendered.container(role)["volumeMounts"]}
        assert rendered.env(role).get("CLINSCRIBE_MODEL_DIR") == model_dir
        if volume_kind is None:
            assert "model" not in volumes
        else:
            assert volume_kind in volumes["model"] and mounts["model"]["readOnly"] is True
    assert "model" not in {v["name"] for v in rendered.deployment("api")["spec"]["template"]["spec"]["volumes"]}
    assert not rendered.kinds("PersistentVolumeClaim")


def test_chart_made_model_claim_is_kept_on_uninstall(chart: helm.Chart) -> None:
    rendered = render(chart, {"model": {"source": "pvc", "pvc": {"create": True}}})
    claim = rendered.one("PersistentVolumeClaim", f"{RELEASE}-clinscribe-models")
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert claim["spec"]["accessModes"] == ["ReadOnlyMany"]


def test_everything_on_together(chart: helm.Chart) -> None:
    rendered = render(chart, ALL_ON)
    for role in ("api", "worker", "stream"):
        assert_hardened_pod(rendered, role)
    kinds = {doc["kind"] for doc in rendered.docs}
    assert {"Ingress", "ScaledObject", "TriggerAuthentication", "ServiceMonitor", "HorizontalPodAutoscaler",
            "PodDisruptionBudget", "NetworkPolicy", "PersistentVolumeClaim"} <= kinds
    balancer = rendered.one("Service", f"{RELEASE}-clinscribe-stream-lb")
    assert balancer["spec"]["type"] == "LoadBalancer"
    assert balancer["spec"]["selector"] == rendered.one("Service", f"{RELEASE}-clinscribe-stream")["spec"]["selector"]
    # The ServiceMonitor scrapes each role through one Service only.
    scraped = sorted(svc["metadata"]["name"] for svc in scraped_services(rendered))
    assert scraped == [f"{RELEASE}-clinscribe-{role}" for role in ("api", "stream", "worker")]
    policy = rendered.one("NetworkPolicy", f"{RELEASE}-clinscribe-stream")
    assert {"ipBlock": {"cidr": "10.0.0.0/8"}} in [peer for rule in policy["spec"]["ingress"] for peer in rule["from"]]


def test_selectors_match_their_pods(chart: helm.Chart) -> None:
    rendered = render(chart, ALL_ON)
    for role in ("api", "worker", "stream"):
        labels = rendered.deployment(role)["spec"]["template"]["metadata"]["labels"]
        name = f"{RELEASE}-clinscribe-{role}"
        selectors = [rendered.deployment(role)["spec"]["selector"]["matchLabels"],
                     rendered.one("Service", name)["spec"]["selector"],
                     rendered.one("PodDisruptionBudget", name)["spec"]["selector"]["matchLabels"],
                     rendered.one("NetworkPolicy", name)["spec"]["podSelector"]["matchLabels"]]
        for selector in selectors:
            assert selector.items() <= labels.items()
            assert selector["app.kubernetes.io/component"] == role


def test_network_policy_admits_clients_only_to_api_and_stream(chart: helm.Chart) -> None:
    rendered = render(chart)
    ingress_peer = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}
    for role in ("api", "worker", "stream"):
        spec = rendered.one("NetworkPolicy", f"{RELEASE}-clinscribe-{role}")["spec"]
        assert spec["policyTypes"] == ["Ingress", "Egress"]
        peers = [peer for rule in spec["ingress"] for peer in rule["from"]]
        assert (ingress_peer in peers) == (role != "worker")
        assert {"port": 53, "protocol": "UDP"} in spec["egress"][0]["ports"]


def test_config_change_rolls_the_pods(chart: helm.Chart) -> None:
    before = render(chart).deployment("worker")["spec"]["template"]["metadata"]["annotations"]
    after = render(chart, {"config": {"maxJobsPerAccount": 100}}).deployment("worker")
    assert after["spec"]["template"]["metadata"]["annotations"]["checksum/config"] != before["checksum/config"]


def test_plain_http_inside_a_mesh(chart: helm.Chart) -> None:
    rendered = render(chart, {"serverTLS": {"enabled": False}})
    assert rendered.env("api")["CLINSCRIBE_PLAIN_HTTP"] == "1"
    assert_hardened_pod(rendered, "api")  # probes switch to HTTP
    assert "WARNING" in rendered.notes


def test_every_clinscribe_variable_is_a_setting(chart: helm.Chart) -> None:
    """A misspelt CLINSCRIBE_* name would be silently ignored by the service."""
    known = {f.name.upper() for f in fields(Settings)} | PENDING_SETTINGS
    values = merged(ALL_ON, {"bootstrap": {"accessKeyId": "AKIA", "secretAccessKey": "s", "accountId": "111122223333"},
                             "config": {"publicUrl": "https://x.example"}, "s3": {"endpointUrl": "https://s3.local"},
                             "serverTLS": {"existingSecret": "t", "enabled": True}})
    rendered = render(chart, values)
    names = {name for role in ("api", "worker", "stream") for name in rendered.env(role)
             if name.startswith("CLINSCRIBE_")}
    assert len(names) > 15
    assert {name.removeprefix("CLINSCRIBE_") for name in names} <= known


# -- bad values ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "message"), [
    ({"database": {"url": ""}}, "database.url or database.existingSecret is required"),
    ({"kek": {"keyring": ""}}, "set exactly one of kek.kmsKeyId"),
    ({"kek": {"kmsKeyId": "alias/k"}}, "set exactly one of kek.kmsKeyId"),
    ({"ingress": {"enabled": True}}, "ingress.tls.secretName is required"),
    ({"s3": {"accessKeyId": "AKIA"}}, "go together"),
    ({"model": {"source": "pvc"}}, "model.pvc.claimName"),
    ({"model": {"dir": "relative"}}, "absolute path"),
    ({"worker": {"enabled": False, "keda": {"enabled": True}}}, "worker.keda.enabled needs worker.enabled"),
])
def test_inconsistent_values_fail_with_a_reason(chart: helm.Chart, values: dict[str, Any], message: str) -> None:
    with pytest.raises(helm.HelmError, match=message.replace(".", r"\.")):
        Rendered(chart, merged(BASE, values))


@pytest.mark.parametrize("values", [
    {"podSecurityContext": {"runAsNonRoot": False}},
    {"securityContext": {"allowPrivilegeEscalation": True}},
    {"securityContext": {"privileged": True}},
    {"worker": {"gpu": {"count": 0}}},
    {"model": {"source": "s3"}},
    {"database": {"url": "mysql://db/clinscribe"}},
    {"worker": {"computeType": "float64"}},
    {"config": {"extraEnv": {"AWS_SECRET_ACCESS_KEY": "x"}}},
    {"image": {"digest": "latest"}},
    {"ingress": {"host": "Not A Host"}},
    {"workers": {"replicas": 3}},
])
def test_schema_rejects_unsafe_or_misspelt_values(chart: helm.Chart, values: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmValuesError):
        chart.validate_schema(merged(BASE, values))


def test_values_named_in_the_deploy_guide_exist(chart: helm.Chart) -> None:
    guide = (CHART.parent.parent.parent / "docs" / "deploy.md").read_text()
    defaults = chart.values
    named = {token for token in re.findall(r"`([a-zA-Z]+(?:\.[a-zA-Z]+)+)`", guide) if token.split(".")[0] in defaults}
    assert len(named) > 15
    for dotted in sorted(named):
        node: Any = defaults
        for part in dotted.split("."):
            assert isinstance(node, dict) and part in node, f"docs/deploy.md names {dotted}, which values.yaml lacks"
            node = node[part]
