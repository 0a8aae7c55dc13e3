"""The README's boto3 example: transcribe a file in a local bucket through the job API."""

import json
import os
import time
from pathlib import Path

import boto3
import platformdirs
from botocore.config import Config

data = Path(os.environ.get("CLINSCRIBE_DATA_DIR", platformdirs.user_data_dir("clinscribe")))
endpoint = os.environ.get("CLINSCRIBE_URL", "https://127.0.0.1:8443")
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(data / "bootstrap-credentials")
session = boto3.Session(profile_name="clinscribe", region_name="us-east-1")
ca = str(data / "tls" / "ca.pem")
transcribe = session.client("transcribe", endpoint_url=endpoint, verify=ca)
s3 = session.client("s3", endpoint_url=endpoint, verify=ca, config=Config(signature_version="s3v4"))

name = f"first-job-{int(time.time())}"
transcribe.start_medical_transcription_job(
    MedicalTranscriptionJobName=name,
    LanguageCode="en-US",
    Media={"MediaFileUri": "s3://clinic-media/visits/jfk.flac"},
    OutputBucketName="clinic-transcripts",
    Specialty="PRIMARYCARE",
    Type="DICTATION",
)
while True:
    job = transcribe.get_medical_transcription_job(MedicalTranscriptionJobName=name)["MedicalTranscriptionJob"]
    if job["TranscriptionJobStatus"] in ("COMPLETED", "FAILED"):
        break
    time.sleep(1)
print(job["TranscriptionJobStatus"], job.get("FailureReason", ""))
if job["TranscriptionJobStatus"] == "COMPLETED":
    bucket, key = job["Transcript"]["TranscriptFileUri"].split("/", 4)[3:]
    document = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    print(document["results"]["transcripts"][0]["transcript"])
