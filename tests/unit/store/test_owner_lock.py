"""The owner lock on a workspace folder (issue 15, item 1), with real OS locks."""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.bundles.age import AgeIdentity
from msp_desktop.errors import WorkspaceBusy
from msp_desktop.store import Workspace
from msp_desktop.store.owner_lock import Holder, OwnerLock
from tests.conftest import PASSPHRASE, snapshot


def test_an_exclusive_lock_names_whoever_holds_the_workspace(tmp_path: Path) -> None:
    for holder, advice in (
        (Holder.APP, "close MSP Desktop (or lock it) and try again"),
        (Holder.COMMAND, "wait for that command to finish and try again"),
    ):
        with OwnerLock.shared(tmp_path, holder), pytest.raises(WorkspaceBusy) as refused:
            OwnerLock.exclusive(tmp_path, "restore a backup")
        assert refused.value.message == (
            f"Cannot restore a backup: {holder.value} has the workspace in {tmp_path} open; "
            f"{advice}. Nothing was changed."
        )
    with OwnerLock.exclusive(tmp_path, "restore a backup"):  # both released: free again
        pass


def test_the_app_and_a_command_share_it_but_not_with_a_restore(tmp_path: Path) -> None:
    with OwnerLock.shared(tmp_path, Holder.APP), OwnerLock.shared(tmp_path, Holder.COMMAND):
        pass
    with OwnerLock.exclusive(tmp_path, "restore a backup"):
        with pytest.raises(WorkspaceBusy, match="being restored or rekeyed"):
            OwnerLock.shared(tmp_path, Holder.APP)
        with pytest.raises(WorkspaceBusy, match="being restored or rekeyed"):
            Workspace.open(tmp_path, PASSPHRASE)
        with pytest.raises(WorkspaceBusy) as refused:
            OwnerLock.exclusive(tmp_path, "change the passphrase")
        assert refused.value.message == (
            "Cannot change the passphrase: another msp command is restoring or rekeying the "
            f"workspace in {tmp_path}; wait for it to finish and try again. Nothing was changed."
        )


def test_recover_and_passwd_refuse_while_the_workspace_is_open(
    workspace: Workspace, tmp_path: Path
) -> None:
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceBusy, match="Cannot change the passphrase: an msp command"):
        Workspace.change_passphrase(workspace.folder, PASSPHRASE, "a brand new passphrase")
    with pytest.raises(WorkspaceBusy, match="Cannot recover the workspace: an msp command"):
        Workspace.recover(workspace.folder, AgeIdentity.generate(), "a brand new passphrase")
    assert snapshot(workspace.folder) == before
    workspace.close()  # closing lets go: now it may
    Workspace.change_passphrase(workspace.folder, PASSPHRASE, "a brand new passphrase")
