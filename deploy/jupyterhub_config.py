"""JupyterHub settings for a class on one machine (started by python -m deploy.hub).

It reads who is in the class from $COURSE_HUB_STATE/class.json and the passwords from the
environment (COURSE_HUB_STUDENT_PASSWORD, COURSE_HUB_INSTRUCTOR_PASSWORD); this file holds
no secret and no default password. The public address and the internal ports come on the
hub's command line. deploy/README.md says what a real deployment changes here.
"""

import os
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from deploy.hub import INSTRUCTOR_PASSWORD, STUDENT_PASSWORD, Layout  # noqa: E402

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

layout = Layout(os.environ["COURSE_HUB_STATE"])
people = layout.read_class()
instructor, students = people["instructor"], people["students"]

# Who may log in. SharedPasswordAuthenticator is JupyterHub's DummyAuthenticator with
# passwords (DummyAuthenticator.password is deprecated since JupyterHub 5.3): students share
# one password and cannot use the instructor's, which is a different one.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ[STUDENT_PASSWORD]
c.SharedPasswordAuthenticator.admin_password = os.environ[INSTRUCTOR_PASSWORD]
c.Authenticator.allowed_users = {instructor, *students}
c.Authenticator.admin_users = {instructor}

# The hub's own files stay in the state folder.
c.JupyterHub.db_url = f"sqlite:///{layout.hub_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(layout.hub_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(layout.hub_dir / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [os.environ["COURSE_HUB_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(layout.hub_dir / "jupyterhub-proxy.pid")
# Stopping the hub stops the proxy and every user's server (the defaults, said aloud).
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True


class ClassSpawner(SimpleLocalProcessSpawner):
    """Each user's server runs with HOME in the state folder's home/USER; the instructor's
    starts in their copy of the course, where formgrader finds nbgrader_config.py."""

    def make_preexec_fn(self, name):
        home, start = self.home_dir, str(layout.start_folder(self.user.name))

        def preexec():
            os.makedirs(home, 0o755, exist_ok=True)
            os.chdir(start)

        return preexec


c.JupyterHub.spawner_class = ClassSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(layout.home("{username}"))
c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = layout.server_environment()
if hasattr(os, "geteuid") and os.geteuid() == 0:
    c.Spawner.args = ["--ServerApp.allow_root=True"]  # JupyterLab refuses root otherwise
# A first JupyterLab start on a busy 2-core machine can take a while.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
