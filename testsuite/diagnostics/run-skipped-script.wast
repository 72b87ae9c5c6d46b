;;! threads = true
;; A script that turns on a proposal Switchyard does not implement is skipped, and counted
;; so even when it has no directive.
