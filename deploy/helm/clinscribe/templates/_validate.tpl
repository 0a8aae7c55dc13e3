{{/* Settings that make no sense together fail the render with a message saying what to set. */}}
{{- define "clinscribe.validate" -}}
{{- if not (or .Values.database.url .Values.database.existingSecret) }}
{{- fail "database.url or database.existingSecret is required: every role shares one PostgreSQL database" }}
{{- end }}
{{- if and .Values.database.url (not (regexMatch "^postgres(ql)?://" .Values.database.url)) }}
{{- fail "database.url must be a postgresql:// URL" }}
{{- end }}
{{- $keks := 0 }}
{{- if .Values.kek.kmsKeyId }}{{ $keks = add1 $keks }}{{ end }}
{{- if .Values.kek.keyring }}{{ $keks = add1 $keks }}{{ end }}
{{- if .Values.kek.existingSecret }}{{ $keks = add1 $keks }}{{ end }}
{{- if ne (int $keks) 1 }}
{{- fail "set exactly one of kek.kmsKeyId, kek.keyring or kek.existingSecret: the key-encryption key protecting every stored object" }}
{{- end }}
{{- if and (or .Values.s3.accessKeyId .Values.s3.secretAccessKey) (not (and .Values.s3.accessKeyId .Values.s3.secretAccessKey)) }}
{{- fail "s3.accessKeyId and s3.secretAccessKey go together" }}
{{- end }}
{{- if and (or .Values.bootstrap.accessKeyId .Values.bootstrap.secretAccessKey) (not (and .Values.bootstrap.accessKeyId .Values.bootstrap.secretAccessKey)) }}
{{- fail "bootstrap.accessKeyId and bootstrap.secretAccessKey go together" }}
{{- end }}
{{- if and .Values.ingress.enabled (not .Values.ingress.tls.secretName) }}
{{- fail "ingress.tls.secretName is required when the ingress is on: PHI never crosses the network in clear" }}
{{- end }}
{{- if and (eq .Values.model.source "pvc") (not (or .Values.model.pvc.claimName .Values.model.pvc.create)) }}
{{- fail "model.source pvc needs model.pvc.claimName or model.pvc.create" }}
{{- end }}
{{- if and (eq .Values.model.source "image") .Values.model.dir (not (isAbs .Values.model.dir)) }}
{{- fail "model.dir must be an absolute path in the image when model.source is image" }}
{{- end }}
{{- if and .Values.worker.keda.enabled (not .Values.worker.enabled) }}
{{- fail "worker.keda.enabled needs worker.enabled" }}
{{- end }}
{{- if and .Values.api.autoscaling.enabled (lt (int .Values.api.autoscaling.maxReplicas) (int .Values.api.autoscaling.minReplicas)) }}
{{- fail "api.autoscaling.maxReplicas must be at least minReplicas" }}
{{- end }}
{{- if and .Values.worker.keda.enabled (lt (int .Values.worker.keda.maxReplicaCount) (int .Values.worker.keda.minReplicaCount)) }}
{{- fail "worker.keda.maxReplicaCount must be at least minReplicaCount" }}
{{- end }}
{{- end }}
