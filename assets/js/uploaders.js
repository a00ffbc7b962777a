// Client-side uploaders for external uploads (allow_upload's :external in
// Phoenix, UploadConfig.External in Go): the server's presign metadata
// names the uploader ("uploader") and carries what it needs.
//
// PutUpload serves /examples/uploads (live/examples/uploads.go): one PUT
// of the file's bytes to the presigned URL on the same server, with the
// request's upload progress reported to the view.
export const Uploaders = {
  PutUpload(entries, onViewError) {
    entries.forEach((entry) => {
      const xhr = new XMLHttpRequest()
      onViewError(() => xhr.abort())
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? entry.progress(100) : entry.error(`HTTP ${xhr.status}`))
      xhr.onerror = () => entry.error("network error")
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) {
          // 100 only once the server has answered.
          const percent = Math.round((e.loaded / e.total) * 100)
          if (percent < 100) entry.progress(percent)
        }
      })
      xhr.open("PUT", entry.meta.url, true)
      xhr.send(entry.file)
    })
  },
}
