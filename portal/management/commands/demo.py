"""``manage.py demo``: one command from a fresh clone to a running Wenming with demo data."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import seeding
from portal.demo_logins import LOGINS, ensure_demo_logins

# (url name, path to show if that part is not installed, label). The output follows the active
# language (LANGUAGE_CODE for a command); the Chinese labels carry English glosses because that
# is what a developer who reads no Chinese sees by default.
URLS = (
    ("portal:home", "/", gettext_lazy("首页 (home)")),
    ("admin:index", "/admin/", gettext_lazy("后台管理 (admin)")),
    ("orders:new", "/orders/new/", gettext_lazy("群众点单 (order a service)")),
    (
        "orders:volunteer_dashboard",
        "/volunteer/",
        gettext_lazy("志愿者接单 (volunteer dashboard)"),
    ),
    ("events:calendar", "/calendar/", gettext_lazy("活动月历 (calendar)")),
    ("reports:coverage", "/reports/coverage/", gettext_lazy("覆盖统计 (coverage report)")),
    ("api-docs", "/api/docs/", gettext_lazy("API 文档 (API docs)")),
)


def _path(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


class Command(BaseCommand):
    help = (
        "Migrate, seed demo data if the database is empty, create the demo logins and serve on "
        "127.0.0.1. Local use only: refused when DJANGO_DEBUG=0."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="Port (default 8000).")
        parser.add_argument("--no-server", action="store_true", help="Prepare, but do not serve.")
        parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale (default 1).")

    def handle(self, *args, port: int, no_server: bool, scale: int, verbosity: int, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "demo 只用于本地演示：生产模式（DJANGO_DEBUG=0）下拒绝创建使用公开密码的演示"
                    "账号。 (Refused: demo logins with a published password are never created"
                    " when DJANGO_DEBUG=0.)"
                )
            )
        if not 0 < port < 65536:
            raise CommandError(_("--port 必须在 1–65535 之间。"))
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        if seeding.is_seeded():
            self.stdout.write(_("数据库已有数据，跳过生成演示数据。(Database already seeded.)"))
        else:
            self.stdout.write(_("生成演示数据… (seeding demo data)"))
            call_command("seed_demo", scale=scale, verbosity=verbosity, stdout=self.stdout)
        password = settings.WENMING_DEMO_PASSWORD
        try:
            ensure_demo_logins(password=password)
        except LookupError as exc:
            raise CommandError(
                _("无法创建演示账号：%(error)s。请运行 manage.py seed_demo --reset。")
                % {"error": exc}
            ) from exc

        base = f"http://127.0.0.1:{port}"
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                _("演示账号 (demo logins), 密码 password: %(password)s") % {"password": password}
            )
        )
        for login in LOGINS:
            self.stdout.write(f"  {login.username:<10} {login.description}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("打开 (open):")))
        for name, fallback, label in URLS:
            self.stdout.write(f"  {base}{_path(name, fallback):<20} {label}")
        self.stdout.write("")
        if no_server:
            return
        # No autoreloader: it would re-run this command (migrate, logins) in a child process.
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
