"""The team's accounts: who may sign in, with which role, and the built-in sign-in itself.

    add_user, remove_user, set_role, reset_password   owner tasks (require(session, Role.owner))
    list_users                                         UserInfo rows: never a hash
    actor_for(session, email)                          the Actor an address acts as, or None
    any_password_accounts(session)                     True once built-in sign-in has an account
    authenticate(session, email, password)             the Actor, or SignInRefused

Passwords are hashed with argon2id (argon2-cffi's PasswordHasher with its defaults: slow and salted);
a hash made with older parameters is replaced by a new one at the next successful sign-in
(`check_needs_rehash`). A password has at least MIN_PASSWORD characters.

Sign-in refuses an unknown address and a wrong password with the same message, and takes as long for
both (an unknown address, or an account without a password, is checked against a dummy hash). After
MAX_FAILURES wrong passwords in a row an account is locked for LOCK_AFTER_FAILURES (5 minutes), twice
as long after each further failure (at most MAX_LOCK); the message says when to try again. A failed
attempt is committed before the refusal is raised, so the caller's rollback does not forget it.

The last owner cannot be removed or demoted: a workspace always keeps someone who can manage it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update
from sqlmodel import Session

from db.crud import update_versioned
from db.models import MAX_EMAIL, UserAccount, utcnow
from journey.core.access import Actor, Role, act_as, actor_of, require
from journey.core.errors import InvalidInput, NotFound, SignInRefused, StaleEdit
from journey.core.fields import clean_field

MIN_PASSWORD = 12
MAX_PASSWORD = 1_000  # argon2 hashes any length; a megabyte "password" is refused before it is hashed
MAX_FAILURES = 5
LOCK_AFTER_FAILURES = timedelta(minutes=5)
MAX_LOCK = timedelta(hours=24)
WRONG = "That address and password do not match."
# The actor of sign-in's own bookkeeping (failed attempts, a rehash): nobody has signed in yet.
SIGN_IN = Actor(email="sign-in", role=Role.editor, name="Sign-in")

_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserInfo:
    """An account as `user list` and the app show it: no hash, only whether there is a password."""

    email: str
    name: str
    role: Role
    has_password: bool
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict:
        return {
            "email": self.email,
            "name": self.name,
            "role": self.role.value,
            "has_password": self.has_password,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


# --- field rules ------------------------------------------------------------------------------------


def clean_email(value: object) -> str:
    """An address, lower-cased; refused (InvalidInput, field "email") when it is not one."""
    text = str(value or "").strip()
    if not text:
        raise InvalidInput("Enter the member's email address.", field="email")
    if len(text) > MAX_EMAIL:
        raise InvalidInput(f"An email address has at most {MAX_EMAIL} characters.", field="email")
    try:
        validated = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"“{text}” is not an email address: {exc}", field="email") from None
    return validated.normalized.lower()


def clean_role(value: object) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InvalidInput(f"“{value}” is not a role: use one of {roles}.", field="role") from None


def check_password(password: str) -> str:
    """`password` when it can be a password; else InvalidInput (field "password") saying why."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"A password needs at least {MIN_PASSWORD} characters: a few words make a long one "
            "that is easy to remember.",
            field="password",
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"A password has at most {MAX_PASSWORD:,} characters.", field="password")
    if not password.strip():
        raise InvalidInput("A password cannot be only spaces.", field="password")
    return password


# --- reading ----------------------------------------------------------------------------------------


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _info(account: UserAccount) -> UserInfo:
    return UserInfo(
        email=account.email,
        name=account.name,
        role=Role(account.role),
        has_password=account.password_hash is not None,
        locked_until=_aware(account.locked_until),
        created_at=_aware(account.created_at),
        updated_at=_aware(account.updated_at),
    )


def _find(session: Session, email: str) -> UserAccount | None:
    return session.execute(select(UserAccount).where(UserAccount.email == email)).scalar_one_or_none()


def _get(session: Session, email: object) -> UserAccount:
    address = clean_email(email)
    account = _find(session, address)
    if account is None:
        raise NotFound(f"There is no account for {address}.", field="email")
    return account


def list_users(session: Session) -> list[UserInfo]:
    """Every account, by address (an owner task: it lists who is in the team)."""
    require(session, Role.owner)
    accounts = session.execute(select(UserAccount).order_by(UserAccount.email)).scalars()
    return [_info(account) for account in accounts]


def actor_for(session: Session, email: str) -> Actor | None:
    """The Actor an address acts as (for OIDC sign-in: the account's role), or None without an account."""
    try:
        address = clean_email(email)
    except InvalidInput:
        return None
    account = _find(session, address)
    if account is None:
        return None
    return Actor(email=account.email, role=Role(account.role), name=account.name)


def any_password_accounts(session: Session) -> bool:
    """True when at least one account can sign in with a password (built-in sign-in is in use)."""
    query = select(func.count()).select_from(UserAccount).where(UserAccount.password_hash.is_not(None))
    return session.execute(query).scalar_one() > 0


def _owners(session: Session) -> int:
    query = select(func.count()).select_from(UserAccount).where(UserAccount.role == Role.owner.value)
    return session.execute(query).scalar_one()


# --- owner tasks ------------------------------------------------------------------------------------


def add_user(
    session: Session, email: str, role: Role | str, password: str | None = None, name: str = ""
) -> UserInfo:
    """A new account; `password` None makes one that only gives an OIDC sign-in its role."""
    require(session, Role.owner)
    address = clean_email(email)
    chosen = clean_role(role)
    cleaned_name = clean_field(UserAccount, "name", name or "", label="Name")
    hashed = _hasher.hash(check_password(password)) if password is not None else None
    if _find(session, address) is not None:
        raise InvalidInput(f"There is already an account for {address}.", field="email")
    account = UserAccount(email=address, name=cleaned_name, role=chosen.value, password_hash=hashed)
    session.add(account)
    session.flush()
    return _info(account)


def _save(session: Session, account: UserAccount, values: dict) -> UserInfo:
    if update_versioned(session, UserAccount, account.id, account.version, values) is None:
        raise StaleEdit.of("account")
    return _info(session.get(UserAccount, account.id))


def remove_user(session: Session, email: str) -> None:
    """Delete an account; refused for the last owner."""
    require(session, Role.owner)
    account = _get(session, email)
    if account.role == Role.owner.value and _owners(session) <= 1:
        raise InvalidInput(
            f"{account.email} is the last owner: make another account an owner first.", field="email"
        )
    session.delete(account)
    session.flush()


def set_role(session: Session, email: str, role: Role | str) -> UserInfo:
    """Change an account's role; the last owner cannot be demoted."""
    require(session, Role.owner)
    account = _get(session, email)
    chosen = clean_role(role)
    if account.role == Role.owner.value and chosen is not Role.owner and _owners(session) <= 1:
        raise InvalidInput(
            f"{account.email} is the last owner and cannot become {chosen.value}: "
            "make another account an owner first.",
            field="role",
        )
    return _save(session, account, {"role": chosen.value})


def reset_password(session: Session, email: str, password: str | None) -> UserInfo:
    """Set a new password (None: no password, OIDC only); it also lifts a sign-in lock."""
    require(session, Role.owner)
    account = _get(session, email)
    hashed = _hasher.hash(check_password(password)) if password is not None else None
    return _save(session, account, {"password_hash": hashed, "failed_attempts": 0, "locked_until": None})


# --- sign-in ----------------------------------------------------------------------------------------


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not a password: verified for unknown addresses, so they take as long")


def lock_for(failures: int) -> timedelta:
    """How long an account stays locked after its `failures`-th wrong password in a row."""
    if failures < MAX_FAILURES:
        return timedelta(0)
    return min(LOCK_AFTER_FAILURES * 2 ** min(failures - MAX_FAILURES, 16), MAX_LOCK)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return (
        f"Too many wrong passwords for this account: try again after {until:%H:%M} UTC "
        f"(in {minutes} minute{'s' if minutes != 1 else ''}), or ask an owner to reset the password."
    )


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> Actor:
    """The Actor of the account that `email` and `password` sign in to; else SignInRefused."""
    now = _aware(now) or utcnow()
    try:
        address = clean_email(email)
    except InvalidInput:
        address = ""
    account = _find(session, address) if address else None
    if account is None or account.password_hash is None:
        _verify(_dummy_hash(), str(password))  # as long as a real check
        raise SignInRefused(WRONG, field="password")
    locked_until = _aware(account.locked_until)
    if locked_until is not None and locked_until > now:
        raise SignInRefused(_locked_message(locked_until, now), field="password")
    if (
        not isinstance(password, str)
        or len(password) > MAX_PASSWORD
        or not _verify(account.password_hash, password)
    ):
        _record_failure(session, account, now)
        raise SignInRefused(WRONG, field="password")
    values: dict = {}
    if account.failed_attempts or account.locked_until is not None:
        values.update(failed_attempts=0, locked_until=None)
    if _hasher.check_needs_rehash(account.password_hash):
        values["password_hash"] = _hasher.hash(password)
    if values:
        _bookkeeping(session, account, values)
    return Actor(email=account.email, role=Role(account.role), name=account.name)


def _bookkeeping(session: Session, account: UserAccount, values: dict) -> None:
    """Sign-in's own writes (not an edit: the row's version stays), made as the SIGN_IN actor."""
    previous = actor_of(session)
    act_as(session, SIGN_IN)
    try:
        session.execute(update(UserAccount).where(UserAccount.id == account.id).values(**values))
    finally:
        act_as(session, previous)
    session.expire(account)


def _record_failure(session: Session, account: UserAccount, now: datetime) -> None:
    failures = account.failed_attempts + 1
    lock = lock_for(failures)
    values: dict = {"failed_attempts": UserAccount.failed_attempts + 1}
    if lock:
        values["locked_until"] = now + lock
    _bookkeeping(session, account, values)
    session.commit()  # kept, though the refusal that follows makes the caller roll back
