"""Work outside the web request: the job queue, the schedule, long exports, and the staff page
that shows them (后台任务, in ``views``, whose blueprint the factory registers). Kept free of
imports so that services anywhere can enqueue without pulling in the areas' views."""
