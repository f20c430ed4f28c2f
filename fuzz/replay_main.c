/* replay_main.c -- runs a fuzz target over corpus files without libFuzzer, so
 * that CTest replays every corpus and regression file in the normal and the
 * sanitizer builds. Arguments: files or directories (one level). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    buf = (uint8_t *)malloc((size_t)n + 1u);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    long files = 0;
    int i;
    for (i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            fprintf(stderr, "replay: %s does not exist\n", argv[i]);
            return 1;
        }
        if (S_ISDIR(sb.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            char **names = NULL;
            size_t n = 0, cap = 0, k;
            if (!d)
                return 1;
            while ((e = readdir(d)) != NULL) {
                char path[4096];
                if (e->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                if (n == cap) {
                    cap = cap ? 2 * cap : 64;
                    names = (char **)realloc(names, cap * sizeof *names);
                    if (!names)
                        return 1;
                }
                names[n] = (char *)malloc(strlen(path) + 1u);
                if (!names[n])
                    return 1;
                strcpy(names[n++], path);
            }
            closedir(d);
            qsort(names, n, sizeof *names, cmp);
            for (k = 0; k < n; k++) {
                if (run_file(names[k]) != 0)
                    return 1;
                files++;
                free(names[k]);
            }
            free(names);
        } else {
            if (run_file(argv[i]) != 0)
                return 1;
            files++;
        }
    }
    printf("replayed %ld file(s) without a failure\n", files);
    return 0;
}
