/* flags.h -- the documented Wycheproof-style flags of the golden vectors. */
#ifndef KVL_VG_FLAGS_H
#define KVL_VG_FLAGS_H

typedef struct vg_flag_doc {
    const char *name;
    const char *meaning;
} vg_flag_doc;

/* All flags, in manifest order; terminated by {NULL, NULL}. */
extern const vg_flag_doc vg_flag_docs[];

int vg_flag_known(const char *name);

#endif /* KVL_VG_FLAGS_H */
