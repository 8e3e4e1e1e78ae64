"""The worker: Python's cycle collector waits while a job runs, so it never finalises the job's ORM objects from
the window's thread in the middle of the job (that crashed the process)."""

import gc

from ui.worker import JobRunner, JobState


def test_the_cycle_collector_waits_while_a_job_runs_and_resumes_after(qtbot):
    assert gc.isenabled()
    runner = JobRunner(None)
    seen = []
    with qtbot.waitSignal(runner.ended, timeout=10_000) as ended:
        runner.start(lambda job, session: seen.append(gc.isenabled()))
    assert seen == [False]
    assert ended.args[0].state is JobState.DONE
    assert gc.isenabled()


def test_a_failed_job_keeps_no_frames_of_its_thread(qtbot):
    runner = JobRunner(None)

    def fail(job, session):
        raise ValueError("坏了")

    with qtbot.waitSignal(runner.ended, timeout=10_000) as ended:
        runner.start(fail)
    outcome = ended.args[0]
    assert outcome.state is JobState.FAILED and str(outcome.error) == "坏了"
    assert outcome.error.__traceback__ is None and gc.isenabled()
