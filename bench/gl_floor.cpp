// gl_floor — what SDL and the GL driver alone cost before a kiosk's first frame, for docs/performance.md ("Cold
// start and Chinese memory cut"): the steps kiosk/platform/window.cpp takes (SDL video, a window, a GL 3.0
// context, swap interval 1) and then one clear and swap, with no kiosk code. Prints one line a step:
//   gl_floor: <step> <ms>
// Run it under the same X server as the kiosk (bench/kiosk-gl-floor takes medians).
#include <SDL.h>
#include <SDL_opengl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {
double ms_since(std::chrono::steady_clock::time_point& t) {
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - t).count();
    t = now;
    return ms;
}
}  // namespace

int main(int argc, char** argv) {
    int w = 1920, h = 1080;
    if (argc == 3) {
        w = std::atoi(argv[1]);
        h = std::atoi(argv[2]);
    }
    auto t = std::chrono::steady_clock::now();
    SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
        std::fprintf(stderr, "gl_floor: %s\n", SDL_GetError());
        return 1;
    }
    std::printf("gl_floor: SDL video %.1f\n", ms_since(t));
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    SDL_Window* window = SDL_CreateWindow("gl_floor", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                          SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI);
    if (window == nullptr) {
        std::fprintf(stderr, "gl_floor: %s\n", SDL_GetError());
        return 1;
    }
    std::printf("gl_floor: SDL window %.1f\n", ms_since(t));
    SDL_GLContext gl = SDL_GL_CreateContext(window);
    if (gl == nullptr) {
        std::fprintf(stderr, "gl_floor: %s\n", SDL_GetError());
        return 1;
    }
    SDL_GL_MakeCurrent(window, gl);
    SDL_GL_SetSwapInterval(1);
    std::printf("gl_floor: GL context %.1f\n", ms_since(t));
    glViewport(0, 0, w, h);
    glClearColor(0.97f, 0.97f, 0.96f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    SDL_GL_SwapWindow(window);
    glFinish();
    std::printf("gl_floor: first clear and swap %.1f\n", ms_since(t));
    SDL_GL_DeleteContext(gl);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return 0;
}
