"""Start a JupyterHub for a class on this machine: one instructor, students, this course.

    python -m deploy.hub [--state DIR] [--ip 127.0.0.1] [--port 8000]
                         [--instructor NAME] [--students NAME,NAME,...] [--prepare-only]

`make hub` runs it from the project folder. It first prepares the state folder (by
default deploy/state/; nothing in it is ever overwritten except the files marked *):

    class.json*                      who is in the class (jupyterhub_config.py reads it)
    hub/                             the hub's working folder: database, cookie secret
    etc/jupyter/nbgrader_config.py*  the global nbgrader settings every user's server reads
                                     (JUPYTER_CONFIG_PATH): course_id and the exchange
    exchange/                        nbgrader's exchange: released assignments, submissions,
                                     feedback
    home/USER/                       each user's home folder (HOME of their server)
    home/INSTRUCTOR/hyperparameters/ the instructor's copy of the course (nbgrader_config.py
                                     and source/, copied once, never refreshed): their server
                                     starts in it, so formgrader and nbgrader's commands in its
                                     terminals work on it

then replaces itself with `jupyterhub -f deploy/jupyterhub_config.py`, whose proxy is
configurable-http-proxy from npm (`make hub` installs it in deploy/proxy/, not globally).

Passwords come from the environment, never from a file: COURSE_HUB_STUDENT_PASSWORD (at
least 8 characters, shared by every student) and COURSE_HUB_INSTRUCTOR_PASSWORD (at least
32, the instructor's alone). When one is unset a random one is made and printed once.

Every user's server runs as the Unix account that started the hub, so the users are not
isolated from one another: this is for trying the course's JupyterHub round trip on one
machine, or a workshop among trusted people. deploy/README.md says what a real deployment
changes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
DEPLOY = CHECKOUT / "deploy"
COURSE_ID = "hyperparameters"
PROXY_NAME = "configurable-http-proxy"
STUDENT_PASSWORD = "COURSE_HUB_STUDENT_PASSWORD"
INSTRUCTOR_PASSWORD = "COURSE_HUB_INSTRUCTOR_PASSWORD"
# nbgrader joins student, assignment and time with '+' in the exchange, and the autograder
# takes student ids of letters, digits, '_', '.', '@' and '-': a hub name fits both.
USERNAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
# Kernels on a small shared machine: one BLAS thread each.
THREAD_LIMITS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

GLOBAL_NBGRADER_CONFIG = '''\
"""nbgrader settings for every user's server on this hub (written by python -m deploy.hub).

Each server finds this folder through JUPYTER_CONFIG_PATH; a real deployment puts the
same lines in /etc/jupyter/nbgrader_config.py.
"""

import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}

# nbgrader names a submission after the Unix account that made it. Here every server runs
# as one account, so a student's server is told its JupyterHub name instead. With one Unix
# account per student (a real deployment) delete these lines.
_user = os.environ.get("JUPYTERHUB_USER", "")
if _user and _user not in {instructors!r}:
    c.CourseDirectory.student_id = _user
'''

INSTRUCTOR_NBGRADER_CONFIG = '''\
"""The instructor's own nbgrader settings on this hub (written by python -m deploy.hub)."""

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

# Every submission in this hub's exchange is owned by the one Unix account all servers run
# as, so nbgrader collect's check that the owner matches the student would warn about
# every one. With one Unix account per student, delete this line: the check then works.
c.CollectApp.check_owner = False
'''

# Students see the Assignments tab and Validate; the instructor's tools stay with the
# instructor (JupyterLab plugins by id, nbgrader's server extensions by module).
STUDENT_HIDDEN_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list")
STUDENT_HIDDEN_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",
                                    "nbgrader.server_extensions.course_list")


@dataclass(frozen=True)
class Layout:
    """Every place in the state folder, named once (module docstring)."""

    state: Path

    def __post_init__(self):
        object.__setattr__(self, "state", Path(self.state).resolve())

    @property
    def class_file(self) -> Path:
        return self.state / "class.json"

    @property
    def hub_dir(self) -> Path:
        return self.state / "hub"

    @property
    def config_dir(self) -> Path:
        return self.state / "etc" / "jupyter"

    @property
    def exchange(self) -> Path:
        return self.state / "exchange"

    def home(self, user: str) -> Path:
        return self.state / "home" / user

    def course(self, instructor: str) -> Path:
        return self.home(instructor) / COURSE_ID

    def read_class(self) -> dict:
        """{"instructor": NAME, "students": [NAME, ...]} as prepare() wrote it."""
        return json.loads(self.class_file.read_text(encoding="utf-8"))

    def start_folder(self, user: str) -> Path:
        """Where a user's server starts (and its file browser's root)."""
        people = self.read_class()
        return self.course(user) if user == people["instructor"] else self.home(user)

    def server_environment(self) -> dict[str, str]:
        """What every user's server gets on top of JupyterHub's own variables."""
        return {"JUPYTER_CONFIG_PATH": str(self.config_dir), **THREAD_LIMITS}

    def terminal_environment(self, user: str, base: dict[str, str] | None = None) -> dict:
        """The environment of a terminal in `user`'s JupyterLab on this hub (HOME, USER,
        JUPYTERHUB_USER, the nbgrader settings, this Python first on PATH): run nbgrader's
        and the autograder's commands in it, in start_folder(user)."""
        env = dict(os.environ if base is None else base)
        env.update(self.server_environment(), HOME=str(self.home(user)), USER=user,
                   JUPYTERHUB_USER=user)
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        return env


def check_names(instructor: str, students: list[str]) -> None:
    names = [instructor, *students]
    for name in names:
        if not USERNAME.fullmatch(name):
            raise ValueError(f"{name!r} cannot be a user name here: use lowercase letters, "
                             f"digits, '_' and '-', starting with a letter (at most 32)")
    if len(set(names)) != len(names):
        raise ValueError("each user name may appear once (the instructor is not a student)")
    if not students:
        raise ValueError("name at least one student (--students NAME,NAME,...)")


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _user_settings(home: Path, student: bool) -> None:
    """JupyterLab's settings in a user's ~/.jupyter: no news pop-up; a student's server
    also hides nbgrader's instructor tools."""
    jupyter = home / ".jupyter"
    settings = jupyter / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    _write_json(settings / "notification.jupyterlab-settings",
                {"fetchNews": "false", "checkForUpdates": False})
    if student:
        _write_json(jupyter / "labconfig" / "page_config.json",
                    {"disabledExtensions": dict.fromkeys(STUDENT_HIDDEN_PLUGINS, True)})
        _write_json(jupyter / "jupyter_server_config.json",
                    {"ServerApp": {"jpserver_extensions":
                                   dict.fromkeys(STUDENT_HIDDEN_SERVER_EXTENSIONS, False)}})


def prepare(state: Path | str, instructor: str, students: list[str],
            course_source: Path = CHECKOUT / "assignments") -> Layout:
    """Create the state folder for this class (module docstring); returns its Layout.

    The instructor's copy of the course is made only when it does not exist yet: it holds
    their gradebook and submissions, which a restart must never replace."""
    check_names(instructor, students)
    layout = Layout(Path(state))
    for folder in (layout.hub_dir, layout.config_dir, layout.exchange):
        folder.mkdir(parents=True, exist_ok=True)
    # Every student writes into the exchange: nbgrader wants its root open to all (its
    # release_assignment would make it so, with a warning) and guards the folders inside.
    layout.exchange.chmod(0o777)
    _write_json(layout.class_file, {"instructor": instructor, "students": list(students)})
    (layout.config_dir / "nbgrader_config.py").write_text(GLOBAL_NBGRADER_CONFIG.format(
        course_id=COURSE_ID, exchange=str(layout.exchange), instructors={instructor}),
        encoding="utf-8")
    # Terminals are not login shells: a server whose output is not a terminal (a hub run
    # in the background, or as a service) otherwise starts `bash -l`, and the system's
    # profile resets PATH, so nbgrader and autograder were not found in the terminal.
    (layout.config_dir / "jupyter_server_config.py").write_text(
        'c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}\n', encoding="utf-8")
    for user in (instructor, *students):
        layout.home(user).mkdir(parents=True, exist_ok=True)
        _user_settings(layout.home(user), student=user != instructor)
    (layout.home(instructor) / ".jupyter" / "nbgrader_config.py").write_text(
        INSTRUCTOR_NBGRADER_CONFIG, encoding="utf-8")
    course = layout.course(instructor)
    if not course.exists():
        course.mkdir()
        shutil.copy(course_source / "nbgrader_config.py", course / "nbgrader_config.py")
        shutil.copytree(course_source / "source", course / "source",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return layout


def find_proxy() -> str | None:
    """configurable-http-proxy: $COURSE_HUB_PROXY, else deploy/proxy/ (make hub installs
    it there), else PATH; None when there is none."""
    named = os.environ.get("COURSE_HUB_PROXY")
    if named:
        return named if shutil.which(named) else None
    local = DEPLOY / "proxy" / "node_modules" / ".bin" / PROXY_NAME
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which(PROXY_NAME)


def free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def hub_command(ip: str, port: int, hub_port: int, proxy_api_port: int) -> list[str]:
    """argv of the hub: the public address and the two internal ports (hub API, proxy
    API) on the command line, everything else in deploy/jupyterhub_config.py."""
    return [sys.executable, "-m", "jupyterhub", "-f", str(DEPLOY / "jupyterhub_config.py"),
            f"--JupyterHub.bind_url=http://{ip}:{port}", "--JupyterHub.hub_ip=127.0.0.1",
            f"--JupyterHub.hub_port={hub_port}",
            f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{proxy_api_port}"]


def hub_environment(layout: Layout, proxy: str, base: dict[str, str] | None = None) -> dict:
    """The hub's environment: where the state is, which proxy, this Python's folder first
    on PATH (nbgrader runs `alembic` from there). The passwords must already be in it."""
    env = dict(os.environ if base is None else base)
    env["COURSE_HUB_STATE"] = str(layout.state)
    env["COURSE_HUB_PROXY"] = proxy
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _password(env: dict[str, str], name: str, length: int) -> str | None:
    """Make a random password for an unset variable; returns it (to print) or None."""
    if env.get(name):
        return None
    env[name] = secrets.token_urlsafe(length)
    return env[name]


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m deploy.hub", description=__doc__.splitlines()[0])
    p.add_argument("--state", default=str(DEPLOY / "state"), help="default: deploy/state")
    p.add_argument("--ip", default="127.0.0.1", help="address the hub listens on")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--instructor", default="instructor")
    p.add_argument("--students", default="student1,student2,student3",
                   help="comma-separated hub user names")
    p.add_argument("--prepare-only", action="store_true",
                   help="prepare the state folder and stop")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    students = [s.strip() for s in args.students.split(",") if s.strip()]
    try:
        layout = prepare(args.state, args.instructor, students)
    except ValueError as error:
        print(f"deploy.hub: {error}", file=sys.stderr)
        return 2
    print(f"class: instructor {args.instructor}, students {', '.join(students)}")
    print(f"state: {layout.state}")
    if args.prepare_only:
        return 0
    proxy = find_proxy()
    if proxy is None:
        print(f"deploy.hub: {PROXY_NAME} is not installed: run `make hub` (it runs npm install "
              f"in deploy/proxy/), or put it on PATH", file=sys.stderr)
        return 2
    env = hub_environment(layout, proxy)
    made = {name: _password(env, name, length)
            for name, length in ((STUDENT_PASSWORD, 12), (INSTRUCTOR_PASSWORD, 32))}
    for name, password in made.items():
        if password:
            print(f"{name} was not set; for this run it is: {password}")
    argv = hub_command(args.ip, args.port, free_port(), free_port())
    print(f"JupyterHub: http://{args.ip}:{args.port}/ (Ctrl+C stops it and every server)")
    sys.stdout.flush()
    os.chdir(layout.hub_dir)
    os.execve(argv[0], argv, env)
    return 0  # not reached: execve replaces this process


if __name__ == "__main__":
    sys.exit(main())
