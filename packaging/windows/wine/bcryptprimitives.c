/* A stand-in for Windows' bcryptprimitives.dll, for the Wine prefix of
 * `make windows-check` only: it never ships and is never installed on a laptop.
 *
 * Wine 8.0 (Debian 12) has no ProcessPrng, which Rust's standard library calls for
 * random bytes since Rust 1.78; cryptography, pydantic-core and pyrage then fail to
 * import ("DLL load failed while importing _rust"). Windows 10 and 11 have the real
 * DLL. This one asks the same source Wine's own RtlGenRandom uses. */
#include <windows.h>

/* RtlGenRandom is exported by advapi32 under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
