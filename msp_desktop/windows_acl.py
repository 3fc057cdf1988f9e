"""Owner-only files on Windows: a protected DACL for the current user alone (advapi32).

Windows ignores POSIX mode bits (``os.stat`` reports 0o666 for every writable file), so
``msp_desktop.owner_only`` uses this module there. Making a path private replaces its
DACL with one ACE, full control for the user running the app, and marks the DACL
*protected*, so the ACEs the folder would pass down (Users, Everyone...) are dropped.

Checking a path accepts allow-ACEs for the current user, ``SYSTEM`` and the local
``Administrators`` group only, as OpenSSH for Windows does for private keys: those two
can reach any file whatever its DACL (the OS itself, and accounts that can take
ownership), so refusing them would refuse files that are as private as Windows allows,
such as a text file the worker saved in their own profile.

Only imported on Windows (``sys.platform == "win32"``).
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
import tempfile
from ctypes import wintypes
from pathlib import Path

# Also tells mypy that the rest is Windows-only (`make typecheck` checks it as Windows).
assert sys.platform == "win32"

_advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
_kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)

_TOKEN_QUERY = 0x0008
_TOKEN_USER_CLASS = 1  # TOKEN_INFORMATION_CLASS.TokenUser
_SE_FILE_OBJECT = 1
_DACL_SECURITY_INFORMATION = 0x00000004
_PROTECTED_DACL_SECURITY_INFORMATION = 0x80000000
_ACL_REVISION = 2
_FILE_ALL_ACCESS = 0x001F01FF
_OBJECT_INHERIT_ACE = 0x01
_CONTAINER_INHERIT_ACE = 0x02
_INHERIT_ONLY_ACE = 0x08
_ACCESS_ALLOWED_ACE_TYPE = 0x00
_ACCESS_DENIED_TYPES = frozenset({0x01, 0x06, 0x0A, 0x0C})  # plain, object, callback(s)
_ACCESS_ALLOWED_CALLBACK_ACE_TYPE = 0x09
# Errors of disks that keep no permissions at all (FAT32/exFAT USB sticks, some network
# shares): as chmod on such a disk on Linux, there is nothing to set, so it is not an error.
_NO_SECURITY_ON_THIS_DISK = frozenset({1, 50})  # ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED
_SYSTEM = "S-1-5-18"
_ADMINISTRATORS = "S-1-5-32-544"

_P = ctypes.c_void_p
_DW = wintypes.DWORD
_PDW = ctypes.POINTER(wintypes.DWORD)


def _declare(dll: ctypes.WinDLL, name: str, restype: type, *argtypes: type) -> None:
    # Declared, so pointers and handles pass as 64-bit values, not truncated C ints.
    function = getattr(dll, name)
    function.restype = restype
    function.argtypes = argtypes


_declare(_kernel32, "GetCurrentProcess", wintypes.HANDLE)
_declare(_kernel32, "CloseHandle", wintypes.BOOL, wintypes.HANDLE)
_declare(_kernel32, "LocalFree", _P, _P)
_declare(_advapi32, "OpenProcessToken", wintypes.BOOL, wintypes.HANDLE, _DW, _P)
_declare(_advapi32, "GetTokenInformation", wintypes.BOOL, wintypes.HANDLE, _DW, _P, _DW, _PDW)
_declare(_advapi32, "GetLengthSid", _DW, _P)
_declare(_advapi32, "CopySid", wintypes.BOOL, _DW, _P, _P)
_declare(_advapi32, "ConvertSidToStringSidW", wintypes.BOOL, _P, _P)
_declare(_advapi32, "InitializeAcl", wintypes.BOOL, _P, _DW, _DW)
_declare(_advapi32, "AddAccessAllowedAceEx", wintypes.BOOL, _P, _DW, _DW, _DW, _P)
_declare(_advapi32, "GetAce", wintypes.BOOL, _P, _DW, _P)
_declare(_advapi32, "SetNamedSecurityInfoW", _DW, wintypes.LPWSTR, _DW, _DW, _P, _P, _P, _P)
_declare(_advapi32, "GetNamedSecurityInfoW", _DW, wintypes.LPCWSTR, _DW, _DW, _P, _P, _P, _P, _P)


class _AceHeader(ctypes.Structure):
    _fields_ = [("type", ctypes.c_ubyte), ("flags", ctypes.c_ubyte), ("size", wintypes.WORD)]


class _Acl(ctypes.Structure):
    _fields_ = [
        ("revision", ctypes.c_ubyte),
        ("sbz1", ctypes.c_ubyte),
        ("size", wintypes.WORD),
        ("ace_count", wintypes.WORD),
        ("sbz2", wintypes.WORD),
    ]


_ACE_SID_OFFSET = ctypes.sizeof(_AceHeader) + ctypes.sizeof(wintypes.DWORD)  # header, mask


def _check(ok: int) -> None:
    if not ok:
        raise ctypes.WinError(ctypes.get_last_error())


def _sid_text(sid: int | None) -> str:
    text = wintypes.LPWSTR()
    _check(_advapi32.ConvertSidToStringSidW(sid, ctypes.byref(text)))
    try:
        return str(text.value)
    finally:
        _kernel32.LocalFree(ctypes.cast(text, _P))


def _current_user_sid() -> ctypes.Array[ctypes.c_char]:
    """The SID of the user this process runs as, copied out of its access token."""
    token = wintypes.HANDLE()
    _check(
        _advapi32.OpenProcessToken(_kernel32.GetCurrentProcess(), _TOKEN_QUERY, ctypes.byref(token))
    )
    try:
        needed = wintypes.DWORD()
        _advapi32.GetTokenInformation(token, _TOKEN_USER_CLASS, None, 0, ctypes.byref(needed))
        info = ctypes.create_string_buffer(needed.value)
        _check(
            _advapi32.GetTokenInformation(
                token, _TOKEN_USER_CLASS, info, needed, ctypes.byref(needed)
            )
        )
    finally:
        _kernel32.CloseHandle(token)
    # TOKEN_USER starts with SID_AND_ATTRIBUTES, whose first field is the PSID.
    sid = ctypes.c_void_p.from_buffer(info).value
    length = _advapi32.GetLengthSid(sid)
    copy = ctypes.create_string_buffer(length)
    _check(_advapi32.CopySid(length, copy, sid))
    return copy


def current_user_sid() -> str:
    """The current user's SID as text (``S-1-5-21-...``)."""
    sid = _current_user_sid()
    return _sid_text(ctypes.addressof(sid))


def protect(path: Path) -> None:
    """Give ``path`` a protected DACL granting full control to the current user only.

    On a folder the ACE is inherited by everything made inside it later. A disk that
    keeps no permissions (FAT32, exFAT) is left as it is, like ``chmod`` there.
    """
    sid = _current_user_sid()
    size = ctypes.sizeof(_Acl) + _ACE_SID_OFFSET + len(sid)
    size = (size + 3) & ~3  # an ACL's size is DWORD-aligned
    acl = ctypes.create_string_buffer(size)
    _check(_advapi32.InitializeAcl(acl, size, _ACL_REVISION))
    inherit = _OBJECT_INHERIT_ACE | _CONTAINER_INHERIT_ACE if Path(path).is_dir() else 0
    _check(_advapi32.AddAccessAllowedAceEx(acl, _ACL_REVISION, inherit, _FILE_ALL_ACCESS, sid))
    error = _advapi32.SetNamedSecurityInfoW(
        str(path),
        _SE_FILE_OBJECT,
        _DACL_SECURITY_INFORMATION | _PROTECTED_DACL_SECURITY_INFORMATION,
        None,
        None,
        acl,
        None,
    )
    if error and error not in _NO_SECURITY_ON_THIS_DISK:
        raise ctypes.WinError(error)


def allowed_sids(path: Path) -> list[str] | None:
    """The SIDs the DACL of ``path`` allows any access, in order; ``None`` for no DACL.

    No DACL (a "NULL DACL", or a disk without permissions) lets everyone in. ACEs
    that only pass down to children, and deny-ACEs, grant nothing on ``path`` itself.
    An allow-ACE of a kind this does not read is reported as ``"?"``, never skipped.
    """
    dacl = ctypes.c_void_p()
    descriptor = ctypes.c_void_p()
    error = _advapi32.GetNamedSecurityInfoW(
        str(path),
        _SE_FILE_OBJECT,
        _DACL_SECURITY_INFORMATION,
        None,
        None,
        ctypes.byref(dacl),
        None,
        ctypes.byref(descriptor),
    )
    if error in _NO_SECURITY_ON_THIS_DISK:
        return None
    if error:
        raise ctypes.WinError(error)
    try:
        if not dacl.value:
            return None
        count = _Acl.from_address(dacl.value).ace_count
        sids: list[str] = []
        for index in range(count):
            ace = ctypes.c_void_p()
            _check(_advapi32.GetAce(dacl, index, ctypes.byref(ace)))
            assert ace.value is not None
            header = _AceHeader.from_address(ace.value)
            if header.flags & _INHERIT_ONLY_ACE or header.type in _ACCESS_DENIED_TYPES:
                continue
            if header.type in (_ACCESS_ALLOWED_ACE_TYPE, _ACCESS_ALLOWED_CALLBACK_ACE_TYPE):
                sids.append(_sid_text(ace.value + _ACE_SID_OFFSET))
            else:
                sids.append("?")
        return sids
    finally:
        _kernel32.LocalFree(descriptor)


def is_private(path: Path) -> bool:
    """True when only the current user (and SYSTEM, Administrators) may open ``path``.

    Also True under a Wine that keeps no DACLs, where there is nothing to check.
    """
    if not dacls_are_kept():
        return True
    return only_trusted(allowed_sids(path))


def only_trusted(sids: list[str] | None) -> bool:
    """True when ``sids`` (from ``allowed_sids``) are only the current user, SYSTEM and
    Administrators; False for no DACL at all, which lets everyone in."""
    if sids is None:
        return False
    accepted = {current_user_sid(), _SYSTEM, _ADMINISTRATORS}
    return all(sid in accepted for sid in sids)


def running_under_wine() -> bool:
    """True under Wine (its ntdll exports ``wine_get_version``; Windows' does not)."""
    return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")


@functools.cache
def dacls_are_kept() -> bool:
    """False under a Wine that does not store file DACLs (upstream Wine 8: it accepts a
    DACL and forgets it, answering every file with one made up from the Unix mode bits).

    Privacy checks are then meaningless: every file would look readable by Everyone,
    so they are skipped there. Windows itself always keeps them.
    """
    if not running_under_wine():
        return True
    fd, name = tempfile.mkstemp(prefix="msp-dacl-probe-")
    os.close(fd)
    try:
        protect(Path(name))
        return allowed_sids(Path(name)) == [current_user_sid()]
    finally:
        os.unlink(name)
