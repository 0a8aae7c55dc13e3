"""Storage behind small interfaces: jobs, access keys and blobs, embedded or scale-out."""
