{{/*
The pod template shared by the three roles. Call with
(dict "ctx" $ "component" "worker" "role" .Values.worker "decodes" true).
"decodes": the role runs the recognizer, so it gets the model and, with gpu.enabled, a GPU.
*/}}
{{- define "clinscribe.podTemplate" -}}
{{- $ctx := .ctx }}
{{- $v := $ctx.Values }}
{{- $role := .role }}
{{- $gpu := and .decodes $role.gpu $role.gpu.enabled }}
{{- $image := ternary $v.gpuImage $v.image (not (not $gpu)) }}
{{- $modelDir := include "clinscribe.modelDir" $ctx }}
{{- $scheme := include "clinscribe.scheme" $ctx -}}
metadata:
  labels:
    {{- include "clinscribe.componentLabels" (dict "ctx" $ctx "component" .component) | nindent 4 }}
    {{- with $role.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include (print $ctx.Template.BasePath "/configmap.yaml") $ctx | sha256sum }}
    checksum/secret: {{ include (print $ctx.Template.BasePath "/secret.yaml") $ctx | sha256sum }}
    {{- with $role.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "clinscribe.serviceAccountName" $ctx }}
  automountServiceAccountToken: {{ $v.automountServiceAccountToken }}
  enableServiceLinks: false
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if and $gpu $role.gpu.runtimeClassName }}
  runtimeClassName: {{ $role.gpu.runtimeClassName }}
  {{- end }}
  terminationGracePeriodSeconds: {{ $role.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  {{- if include "clinscribe.usesKeyring" $ctx }}
  # The keyring must be a 0600 file of this user in a writable directory (it keeps a lock file beside it);
  # a Secret volume is neither, so it is copied into memory. A missing or empty key stops the pod here
  # instead of letting the service start a fresh keyring that would die with the pod.
  initContainers:
    - name: keyring
      image: {{ include "clinscribe.imageRef" (dict "image" $image "ctx" $ctx) | quote }}
      imagePullPolicy: {{ $image.pullPolicy }}
      command: ["sh", "-c", "test -s \"$0\" && install -m 0600 \"$0\" \"$1\""]
      args:
        - {{ printf "/etc/clinscribe/kek-secret/%s" (include "clinscribe.kekSecretKey" $ctx) | quote }}
        - {{ include "clinscribe.keyringPath" $ctx | quote }}
      securityContext:
        {{- toYaml $v.securityContext | nindent 8 }}
      resources:
        requests:
          cpu: 10m
          memory: 16Mi
        limits:
          memory: 64Mi
      volumeMounts:
        - name: kek-secret
          mountPath: /etc/clinscribe/kek-secret
          readOnly: true
        - name: kek
          mountPath: /run/clinscribe/kek
  {{- end }}
  containers:
    - name: clinscribe
      image: {{ include "clinscribe.imageRef" (dict "image" $image "ctx" $ctx) | quote }}
      imagePullPolicy: {{ $image.pullPolicy }}
      args: ["serve", "--role", {{ .component | quote }}]
      ports:
        - name: {{ include "clinscribe.portName" $ctx }}
          containerPort: 8443
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "clinscribe.fullname" $ctx }}
      env:
        - name: CLINSCRIBE_DATABASE_URL
          valueFrom:
            secretKeyRef:
              name: {{ include "clinscribe.databaseSecretName" $ctx }}
              key: {{ include "clinscribe.databaseSecretKey" $ctx }}
        {{- with include "clinscribe.s3SecretName" $ctx }}
        - name: AWS_ACCESS_KEY_ID
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: AWS_ACCESS_KEY_ID
        - name: AWS_SECRET_ACCESS_KEY
          valueFrom:
            secretKeyRef:
              name: {{ . }}
              key: AWS_SECRET_ACCESS_KEY
        {{- end }}
        {{- with include "clinscribe.bootstrapSecretName" $ctx }}
        {{- $name := . }}
        {{- range list "CLINSCRIBE_BOOTSTRAP_ACCESS_KEY_ID" "CLINSCRIBE_BOOTSTRAP_SECRET_ACCESS_KEY" "CLINSCRIBE_BOOTSTRAP_ACCOUNT_ID" }}
        - name: {{ . }}
          valueFrom:
            secretKeyRef:
              name: {{ $name }}
              key: {{ . }}
              optional: {{ eq . "CLINSCRIBE_BOOTSTRAP_ACCOUNT_ID" }}
        {{- end }}
        {{- end }}
        {{- if $v.serverTLS.existingSecret }}
        - name: CLINSCRIBE_TLS_CERT
          value: /etc/clinscribe/tls/tls.crt
        - name: CLINSCRIBE_TLS_KEY
          value: /etc/clinscribe/tls/tls.key
        {{- end }}
        - name: CLINSCRIBE_DEVICE
          value: {{ ternary "cuda" "cpu" (not (not $gpu)) }}
        {{- if .decodes }}
        - name: CLINSCRIBE_COMPUTE_TYPE
          value: {{ default (ternary "float16" "int8" (not (not $gpu))) $role.computeType | quote }}
        - name: CLINSCRIBE_CPU_THREADS
          value: {{ $role.cpuThreads | quote }}
        {{- with $modelDir }}
        - name: CLINSCRIBE_MODEL_DIR
          value: {{ . | quote }}
        {{- end }}
        {{- end }}
        {{- if hasKey $role "concurrency" }}
        - name: CLINSCRIBE_WORKERS
          value: {{ $role.concurrency | quote }}
        {{- end }}
        {{- with $role.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      securityContext:
        {{- toYaml $v.securityContext | nindent 8 }}
      startupProbe:
        httpGet:
          path: {{ $v.probes.startup.path }}
          port: {{ include "clinscribe.portName" $ctx }}
          scheme: {{ $scheme }}
        periodSeconds: {{ $v.probes.startup.periodSeconds }}
        timeoutSeconds: {{ $v.probes.startup.timeoutSeconds }}
        failureThreshold: {{ $v.probes.startup.failureThreshold }}
      livenessProbe:
        httpGet:
          path: {{ $v.probes.liveness.path }}
          port: {{ include "clinscribe.portName" $ctx }}
          scheme: {{ $scheme }}
        periodSeconds: {{ $v.probes.liveness.periodSeconds }}
        timeoutSeconds: {{ $v.probes.liveness.timeoutSeconds }}
        failureThreshold: {{ $v.probes.liveness.failureThreshold }}
      readinessProbe:
        httpGet:
          path: {{ $v.probes.readiness.path }}
          port: {{ include "clinscribe.portName" $ctx }}
          scheme: {{ $scheme }}
        periodSeconds: {{ $v.probes.readiness.periodSeconds }}
        timeoutSeconds: {{ $v.probes.readiness.timeoutSeconds }}
        failureThreshold: {{ $v.probes.readiness.failureThreshold }}
      resources:
        {{- $resources := deepCopy (default dict $role.resources) }}
        {{- if $gpu }}
        {{- $limits := deepCopy (default dict $resources.limits) }}
        {{- $_ := set $limits $role.gpu.resourceName (int $role.gpu.count) }}
        {{- $_ := set $resources "limits" $limits }}
        {{- end }}
        {{- toYaml $resources | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: data
          mountPath: /var/lib/clinscribe
        {{- if include "clinscribe.usesKeyring" $ctx }}
        - name: kek
          mountPath: /run/clinscribe/kek
        {{- end }}
        {{- if $v.serverTLS.existingSecret }}
        - name: tls
          mountPath: /etc/clinscribe/tls
          readOnly: true
        {{- end }}
        {{- if and .decodes (ne $v.model.source "image") }}
        - name: model
          mountPath: {{ $v.model.mountPath }}
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $v.tmpVolume.sizeLimit }}
        {{- with $v.tmpVolume.medium }}
        medium: {{ . }}
        {{- end }}
    - name: data
      emptyDir:
        sizeLimit: {{ $v.dataVolume.sizeLimit }}
    {{- if include "clinscribe.usesKeyring" $ctx }}
    - name: kek
      emptyDir:
        medium: Memory
        sizeLimit: 1Mi
    - name: kek-secret
      secret:
        secretName: {{ include "clinscribe.kekSecretName" $ctx }}
        # Group-readable: the pod's user reads it through fsGroup; the copy it uses is 0600.
        defaultMode: 0440
        items:
          - key: {{ include "clinscribe.kekSecretKey" $ctx }}
            path: {{ include "clinscribe.kekSecretKey" $ctx }}
    {{- end }}
    {{- if $v.serverTLS.existingSecret }}
    - name: tls
      secret:
        secretName: {{ $v.serverTLS.existingSecret }}
        defaultMode: 0400
    {{- end }}
    {{- if and .decodes (eq $v.model.source "pvc") }}
    - name: model
      persistentVolumeClaim:
        claimName: {{ default (printf "%s-models" (include "clinscribe.fullname" $ctx)) $v.model.pvc.claimName }}
        readOnly: true
    {{- else if and .decodes (eq $v.model.source "hostPath") }}
    - name: model
      hostPath:
        path: {{ $v.model.hostPath.path }}
        type: {{ $v.model.hostPath.type }}
    {{- end }}
  {{- $nodeSelector := deepCopy (default dict $role.nodeSelector) }}
  {{- $tolerations := default list $role.tolerations }}
  {{- if $gpu }}
  {{- $nodeSelector = merge $nodeSelector (deepCopy (default dict $role.gpu.nodeSelector)) }}
  {{- $tolerations = concat (default list $role.gpu.tolerations) $tolerations }}
  {{- end }}
  {{- with $nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $role.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $role.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
