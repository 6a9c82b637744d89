{
  "targets": [
    {
      "target_name": "mamori_connect_scanner",
      "sources": ["native/connect-scanner.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "conditions": [["OS!='linux'", {"type": "none", "sources!": ["native/connect-scanner.c"]}]]
    }
  ]
}
