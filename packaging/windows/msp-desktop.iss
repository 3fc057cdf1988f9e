; Inno Setup 6 script: the Windows installer of MSP Desktop (x64).
;
; It installs the PyInstaller one-folder build, dist\msp-desktop\ (made by
; packaging\build.py or `pyinstaller packaging\msp-desktop.spec`), into
; {autopf}\MSP Desktop: C:\Program Files\MSP Desktop for a per-machine install (the
; default), or %LOCALAPPDATA%\Programs\MSP Desktop if the person installing chooses
; "Install for me only" in the dialog.
;
; Compile from the repository root, after building and signing the programs:
;   iscc /DAppVersion=0.1.0 packaging\windows\msp-desktop.iss
; which writes dist\msp-desktop-0.1.0-x64-setup.exe. packaging\windows\README.md has
; every step, signing included. Needs Inno Setup 6.3 or later (x64compatible).
;
; THE WORKSPACE IS NEVER DELETED. Each worker's records live in their own profile,
; %LOCALAPPDATA%\MSP Desktop\MSP Desktop\workspace, and may hold visits the office has
; not received yet. Neither this installer nor its uninstaller touches that folder:
; there is deliberately no [UninstallDelete] section, and none may be added for user
; data. Wiping a laptop is a separate, deliberate step (docs\it-deployment.md).

#ifndef AppVersion
  #error Give the version (the one in pyproject.toml): iscc /DAppVersion=0.1.0 packaging\windows\msp-desktop.iss
#endif

; Paths are relative to this folder (packaging\windows); each can be given with /D.
#ifndef DistDir
  #define DistDir "..\..\dist\msp-desktop"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\msp-desktop.ico"
#endif
#ifndef AppPublisher
  #define AppPublisher "MSP Desktop team"
#endif

#if !FileExists(AddBackslash(SourcePath) + DistDir + "\msp-desktop.exe")
  #error dist\msp-desktop\msp-desktop.exe is missing: build the app first (packaging\windows\README.md)
#endif
#if !FileExists(AddBackslash(SourcePath) + DistDir + "\msp.exe")
  #error dist\msp-desktop\msp.exe is missing: build the app first (packaging\windows\README.md)
#endif

[Setup]
; Never change AppId: Windows knows the installed app by it, and an installer with the
; same AppId upgrades it in place. A new AppId would install a second copy.
AppId={{90341A06-FC1D-4C54-BBFD-85AFBF663FE7}
AppName=MSP Desktop
AppVersion={#AppVersion}
AppVerName=MSP Desktop {#AppVersion}
AppPublisher={#AppPublisher}
AppComments=Making Safeguarding Personal conversations, kept encrypted on this laptop.
; VersionInfoVersion takes numbers only (0.1.0), so AppVersion must be plain numbers too.
VersionInfoVersion={#AppVersion}
VersionInfoProductName=MSP Desktop
VersionInfoDescription=MSP Desktop installer

DefaultDirName={autopf}\MSP Desktop
DisableProgramGroupPage=yes
UninstallDisplayName=MSP Desktop
UninstallDisplayIcon={app}\msp-desktop.exe

; Per machine by default; someone without admin rights may install for themselves.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog

; A 64-bit app: Program Files, not Program Files (x86), and the 64-bit registry view
; for the uninstall key. Qt 6 needs Windows 10 1809 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763

; A running copy of the app is closed for an upgrade (every change it showed as saved
; is already committed to the workspace) and is not restarted by Setup: the worker
; opens it again and unlocks with their passphrase.
CloseApplications=yes
RestartApplications=no

Compression=lzma2
SolidCompression=yes
WizardStyle=modern
SetupLogging=yes
OutputDir={#OutputDir}
OutputBaseFilename=msp-desktop-{#AppVersion}-x64-setup
#if FileExists(AddBackslash(SourcePath) + IconFile)
SetupIconFile={#IconFile}
#endif

; Code signing: off unless asked for, so that a test installer can be built anywhere.
; To sign Setup and the uninstaller it carries, define a Sign Tool named "msp" on the
; ISCC command line and pass /DSign, for example:
;   iscc "/Smsp=$qC:\Program Files (x86)\Windows Kits\10\bin\10.0.22621.0\x64\signtool.exe$q sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /a $f" /DSign /DAppVersion=0.1.0 packaging\windows\msp-desktop.iss
; $f is the file to sign and $q a quote. Any signing command works in its place
; (AzureSignTool for a key in Azure Key Vault, or the token vendor's tool). Sign
; msp-desktop.exe and msp.exe before compiling: this only signs Setup and the uninstaller.
#ifdef Sign
SignTool=msp
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[InstallDelete]
; The program's own library folder from an earlier version, so no stale Qt plugin or
; extension module is left beside the new ones. This is inside {app}, never user data.
; (_internal is PyInstaller's folder name; change it here if the spec sets another.)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; One Start-menu shortcut, to the window app. The command line, msp.exe, is not put on
; PATH (PATH is left untouched); run it by its full path, for example
; "C:\Program Files\MSP Desktop\msp.exe" sync status
Name: "{autoprograms}\MSP Desktop"; Filename: "{app}\msp-desktop.exe"; WorkingDir: "{app}"; Comment: "Making Safeguarding Personal conversations, kept encrypted on this laptop"

[Run]
; Offered at the end of an interactive install, started as the person who ran Setup,
; never elevated; skipped in a silent install.
Filename: "{app}\msp-desktop.exe"; Description: "{cm:LaunchProgram,MSP Desktop}"; Flags: nowait postinstall skipifsilent runasoriginaluser

; No [UninstallDelete] section, on purpose: see the note at the top.

[Code]
{ Before an interactive uninstall, say plainly that records stay on the laptop and how
  to check nothing is waiting for the office. A silent uninstall (/SILENT, /VERYSILENT,
  as from Intune or Configuration Manager) goes ahead without asking. An upgrade does
  not run the uninstaller, so it never shows this. }
function InitializeUninstall(): Boolean;
begin
  Result := True;
  if UninstallSilent() then
    Exit;
  Result := MsgBox(
    'Records on this laptop that were not sent to the office stay in your workspace ' +
    'folder; uninstalling does not delete them.' + #13#10#13#10 +
    'Before you uninstall, open MSP Desktop, choose Workspace > Send to the office, and ' +
    'check that nothing is waiting to be sent and nothing is waiting for the office''s ' +
    'receipt. Drafts never leave the laptop: finalise any you need.' + #13#10#13#10 +
    'Each worker''s workspace is in their own profile, in ' +
    '%LOCALAPPDATA%\MSP Desktop\MSP Desktop\workspace. Installing MSP Desktop again ' +
    'opens it with the same passphrase.' + #13#10#13#10 +
    'Uninstall MSP Desktop now?',
    mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;
