/* ProcessPrng for Wine 8, whose bcryptprimitives.dll lacks it. Rust's
 * standard library on Windows imports it for its random numbers (hash
 * seeds, temporary file names), so no Rust program starts under Wine 8
 * without it. This DLL provides that one function by forwarding to
 * RtlGenRandom (SystemFunction036 in advapi32). Used only to run the
 * tests under Wine (scripts/windows.sh); never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
