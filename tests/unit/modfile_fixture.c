// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stand-in kernel module object for modfiles_identify(): compiled with
 * -c only (an ELF relocatable, as a .ko is), with the two sections that
 * make a .ko a module: .gnu.linkonce.this_module (its struct module, the
 * name at offset 24 as 6.1's x86_64 layout has it) and .modinfo's
 * key=value strings, and a GNU build id note.  -DNO_MODINFO_NAME leaves
 * name= out of .modinfo (kernels before it was there), -DOTHER_BUILD
 * gives another srcversion and build id, and intree=Y as modpost gives a
 * module built in the kernel's tree.
 */
struct module_stub {
	char before_name[24];
	char name[56];
	char after_name[816];
};

__attribute__((section(".gnu.linkonce.this_module"), used))
struct module_stub __this_module = { .name = "lkdbt_stub" };

#ifdef OTHER_BUILD
#define SRCVERSION "FEDCBA9876543210FEDCBA9"
#define BUILD_ID_BYTES ".byte 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10, 0, 1, 2, 3\n"
#else
#define SRCVERSION "0123456789ABCDEF0123456"
#define BUILD_ID_BYTES ".byte 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0, 1, 2, 3\n"
#endif

#ifdef OTHER_BUILD
#define IN_TREE_INFO "intree=Y\0"
#else
#define IN_TREE_INFO ""
#endif

#ifdef NO_MODINFO_NAME
#define NAME_INFO ""
#else
#define NAME_INFO "name=lkdbt_stub\0"
#endif

__attribute__((section(".modinfo"), used))
static const char modinfo[] = "license=GPL\0" NAME_INFO IN_TREE_INFO
	"vermagic=9.9.9-lkdbtest SMP preempt mod_unload modversions \0"
	"srcversion=" SRCVERSION "\0";

__asm__(".section .note.gnu.build-id, \"a\", @note\n"
	".balign 4\n"
	".long 4\n"			/* name size */
	".long 20\n"			/* descriptor size */
	".long 3\n"			/* NT_GNU_BUILD_ID */
	".asciz \"GNU\"\n"
	BUILD_ID_BYTES
	".previous\n");

int lkdbt_stub_function(int x)
{
	return x + 1;
}
