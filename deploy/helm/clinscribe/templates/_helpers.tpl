{{/* Names and labels. */}}
{{- define "clinscribe.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "clinscribe.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* A component's object name: <fullname>-api, -worker, -stream (kept within 63 characters). */}}
{{- define "clinscribe.componentName" -}}
{{- printf "%s-%s" (include "clinscribe.fullname" .ctx | trunc 56 | trimSuffix "-") .component }}
{{- end }}

{{- define "clinscribe.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "clinscribe.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "clinscribe.selectorLabels" -}}
app.kubernetes.io/name: {{ include "clinscribe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component's objects; call with (dict "ctx" $ "component" "api"). */}}
{{- define "clinscribe.componentLabels" -}}
{{ include "clinscribe.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "clinscribe.componentSelector" -}}
{{ include "clinscribe.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "clinscribe.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "clinscribe.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference; call with (dict "image" .Values.image "ctx" $). A digest wins over a tag. */}}
{{- define "clinscribe.imageRef" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/* Secrets: the chart's own, or the ones named in values. */}}
{{- define "clinscribe.secretName" -}}
{{- include "clinscribe.fullname" . }}
{{- end }}

{{- define "clinscribe.databaseSecretName" -}}
{{- default (include "clinscribe.secretName" .) .Values.database.existingSecret }}
{{- end }}

{{- define "clinscribe.databaseSecretKey" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.existingSecretKey }}{{ else }}database-url{{ end }}
{{- end }}

{{- define "clinscribe.kekSecretName" -}}
{{- default (include "clinscribe.secretName" .) .Values.kek.existingSecret }}
{{- end }}

{{- define "clinscribe.kekSecretKey" -}}
{{- if .Values.kek.existingSecret }}{{ .Values.kek.existingSecretKey }}{{ else }}keyring{{ end }}
{{- end }}

{{- define "clinscribe.usesKeyring" -}}
{{- if or .Values.kek.keyring .Values.kek.existingSecret }}true{{ end }}
{{- end }}

{{/* Where the service reads the keyring: an in-memory copy of the Secret's file (see the init container). */}}
{{- define "clinscribe.keyringPath" -}}
/run/clinscribe/kek/keyring.json
{{- end }}

{{- define "clinscribe.s3SecretName" -}}
{{- if .Values.s3.existingSecret }}{{ .Values.s3.existingSecret }}
{{- else if .Values.s3.accessKeyId }}{{ include "clinscribe.secretName" . }}
{{- end }}
{{- end }}

{{- define "clinscribe.bootstrapSecretName" -}}
{{- if .Values.bootstrap.existingSecret }}{{ .Values.bootstrap.existingSecret }}
{{- else if .Values.bootstrap.accessKeyId }}{{ include "clinscribe.secretName" . }}
{{- end }}
{{- end }}

{{/* Whether the chart renders its own Secret at all. */}}
{{- define "clinscribe.ownsSecret" -}}
{{- if or (and .Values.database.url (not .Values.database.existingSecret)) (and .Values.kek.keyring (not .Values.kek.existingSecret)) (and .Values.s3.accessKeyId (not .Values.s3.existingSecret)) (and .Values.bootstrap.accessKeyId (not .Values.bootstrap.existingSecret)) }}true{{ end }}
{{- end }}

{{- define "clinscribe.scheme" -}}
{{- if .Values.serverTLS.enabled }}HTTPS{{ else }}HTTP{{ end }}
{{- end }}

{{- define "clinscribe.portName" -}}
{{- if .Values.serverTLS.enabled }}https{{ else }}http{{ end }}
{{- end }}

{{- define "clinscribe.modelDir" -}}
{{- if eq .Values.model.source "image" }}
{{- .Values.model.dir }}
{{- else if .Values.model.dir }}
{{- printf "%s/%s" (trimSuffix "/" .Values.model.mountPath) (trimPrefix "/" .Values.model.dir) }}
{{- else }}
{{- .Values.model.mountPath }}
{{- end }}
{{- end }}
