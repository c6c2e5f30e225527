# The README's commands. Each script finds Python >= 3.12, builds .venv and starts what it needs.
.PHONY: run test lint format bench e2e scan vendor clean backup restore

run:            ## the whole portal on http://127.0.0.1:8000 with demo data
	./scripts/run.sh

test:           ## every test: unit, integration with a real Celery worker, browser
	./scripts/test.sh

e2e:            ## only the browser journeys
	./scripts/test.sh tests/e2e

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench:          ## records figures in docs/benchmarks.md
	./scripts/bench.sh

scan:           ## wapiti and sqlmap against the portal on 127.0.0.1, bounded; reports in .run/scan/
	./scripts/scan.sh

vendor:         ## refresh the pinned NYSDS copies under static/vendor/
	./scripts/refresh_vendor.sh

backup:         ## database dump and private files in backups/<UTC time>/; keys are kept apart (docs/backups.md)
	./scripts/backup.sh

restore:        ## make restore FROM=backups/<UTC time>: into an empty database and private storage
	./scripts/restore.sh "$(FROM)"

clean:          ## stop nothing, delete local data (.run/) and the virtualenv
	rm -rf .run .venv staticfiles
